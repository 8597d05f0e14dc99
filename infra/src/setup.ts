// `npm install` runs this (postinstall) and so do `npm start` / `npm test` before anything else:
// it checks the system prerequisites and fetches the JVM side of the stack from Maven Central
// into .local/ (ignored by git). Re-running is cheap: a stamp records what was fetched.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaLibDir, localDir, pluginDir, repoRoot } from './paths.ts';
import { findPostgresBin } from './postgres-bin.ts';
import { buildWebIfStale } from './web-build.ts';

export interface Prerequisite {
  name: string;
  ok: boolean;
  detail: string;
  fix: string;
}

function javaMajor(): number | undefined {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) return undefined;
  const version = /version "(\d+)(?:\.(\d+))?/.exec(java.stderr);
  if (!version?.[1]) return undefined;
  const major = Number(version[1]);
  // Java 8 and older call themselves 1.8, 1.7, …
  return major === 1 ? Number(version[2]) : major;
}

function hasCommand(command: string): boolean {
  return spawnSync(command, ['--version'], { encoding: 'utf8' }).status === 0;
}

export function checkPrerequisites(): Prerequisite[] {
  const java = javaMajor();
  const pgBin = findPostgresBin();
  return [
    {
      name: 'JDK 17+',
      ok: java !== undefined && java >= 17,
      detail: java === undefined ? 'java not found' : `java ${java}`,
      fix: 'Debian/Ubuntu: apt-get install openjdk-17-jdk-headless · macOS: brew install openjdk@17',
    },
    {
      name: 'Maven',
      ok: hasCommand('mvn'),
      detail: 'mvn fetches Kafka, Kafka Connect and Debezium from Maven Central',
      fix: 'Debian/Ubuntu: apt-get install maven · macOS: brew install maven',
    },
    {
      name: 'PostgreSQL 15+ server binaries',
      ok: pgBin !== undefined,
      detail: pgBin ? pgBin.dir : 'initdb/postgres not found (set PG_BIN to their directory)',
      fix: 'Debian/Ubuntu: apt-get install postgresql-15 · macOS: brew install postgresql@15',
    },
  ];
}

/** What must be on disk for the JVM parts; the stamp ties it to the pom's content. */
function jarsStamp(): string {
  const pom = readFileSync(join(repoRoot, 'infra', 'pom.xml'));
  return createHash('sha256').update(pom).digest('hex');
}

const stampFile = join(localDir, 'jars.stamp');

export function jarsInstalled(): boolean {
  return (
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === jarsStamp() &&
    existsSync(kafkaLibDir) &&
    existsSync(join(pluginDir, 'debezium-connector-postgres'))
  );
}

export function fetchJars(log: (line: string) => void = console.log): void {
  if (jarsInstalled()) return;
  mkdirSync(localDir, { recursive: true });
  log('Fetching Kafka, Kafka Connect and the Debezium PostgreSQL plugin from Maven Central…');
  execFileSync('mvn', ['-B', '-q', '-f', join(repoRoot, 'infra', 'pom.xml'), 'package'], {
    stdio: 'inherit',
  });
  for (const dir of [kafkaLibDir, join(pluginDir, 'debezium-connector-postgres')]) {
    if (!existsSync(dir) || readdirSync(dir).length === 0) {
      throw new Error(`Maven finished but ${dir} is empty; delete ${localDir} and run npm run setup again`);
    }
  }
  writeFileSync(stampFile, jarsStamp());
  log(`Jars ready in ${kafkaLibDir} and ${pluginDir}`);
}

/** Fails with every missing prerequisite and how to install it. */
export function ensureReady(log: (line: string) => void = console.log): void {
  const missing = checkPrerequisites().filter((prerequisite) => !prerequisite.ok);
  if (missing.length > 0) {
    const lines = missing.map(({ name, detail, fix }) => `  - ${name}: ${detail}\n    install: ${fix}`);
    throw new Error(`microshop needs these on the machine:\n${lines.join('\n')}`);
  }
  fetchJars(log);
  buildWebIfStale(log);
}

if (import.meta.main) {
  // As npm's postinstall a missing system package must not break `npm install` itself:
  // say what is missing; `npm start` and `npm test` refuse to run until it is there.
  const missing = checkPrerequisites().filter((prerequisite) => !prerequisite.ok);
  for (const { name, detail, fix } of missing)
    console.warn(`microshop setup: missing ${name} (${detail}). ${fix}`);
  if (!missing.some(({ name }) => name === 'Maven' || name === 'JDK 17+')) fetchJars();
  buildWebIfStale();
}

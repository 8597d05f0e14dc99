import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface PostgresBin {
  dir: string;
  major: number;
}

function majorOf(dir: string): number | undefined {
  const postgres = spawnSync(join(dir, 'postgres'), ['--version'], { encoding: 'utf8' });
  const version = /\(PostgreSQL\) (\d+)/.exec(postgres.stdout ?? '');
  return version?.[1] ? Number(version[1]) : undefined;
}

function candidates(): string[] {
  const dirs: string[] = [];
  if (process.env.PG_BIN) dirs.push(process.env.PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((version) => /^\d+$/.test(version))
      .sort((newer, older) => Number(older) - Number(newer));
    dirs.push(...versions.map((version) => join(debian, version, 'bin')));
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) dirs.push(pgConfig.stdout.trim());
  dirs.push('/opt/homebrew/opt/postgresql@15/bin', '/usr/local/opt/postgresql@15/bin');
  return dirs;
}

/** The newest PostgreSQL ≥ 15 whose initdb and postgres binaries exist (PG_BIN wins). */
export function findPostgresBin(): PostgresBin | undefined {
  for (const dir of candidates()) {
    if (!existsSync(join(dir, 'initdb')) || !existsSync(join(dir, 'postgres'))) continue;
    const major = majorOf(dir);
    if (major !== undefined && major >= 15) return { dir, major };
  }
  return undefined;
}

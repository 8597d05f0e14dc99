import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../src/paths.ts';

// The boundaries between services, held by a check: hosted in one process or not, a service's code
// imports only the kit, the contracts, libraries and its own files — never another service. Tests may
// use the sandboxes and the mail sink (imitations of the outside world) as test doubles.

const servicesDir = join(repoRoot, 'services');
const outsideWorld = new Set(['payment-sandbox', 'carrier-sandbox', 'mail-sink']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].flatMap((match) =>
    match[1] ? [match[1]] : [],
  );
}

/** The service a path lies in, or null outside services/. */
function serviceOf(path: string): string | null {
  const inside = relative(servicesDir, path);
  return inside.startsWith('..') ? null : (inside.split(sep)[0] ?? null);
}

function crossings(service: string): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(join(servicesDir, service))) {
    const isTest = relative(join(servicesDir, service), file).startsWith(`test${sep}`);
    for (const specifier of importsOf(file)) {
      const other = specifier.startsWith('.')
        ? serviceOf(resolve(dirname(file), specifier))
        : /^@microshop\/([^/]+)/.exec(specifier)?.[1];
      if (!other || other === service || other === 'platform' || other === 'contracts') continue;
      if (isTest && outsideWorld.has(other)) continue;
      found.push(`${relative(repoRoot, file)} imports ${specifier}`);
    }
  }
  return found;
}

test('no service imports another service', () => {
  const services = readdirSync(servicesDir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  assert.ok(services.length >= 14);
  const found = services.flatMap((entry) => crossings(entry.name));
  assert.deepEqual(found, []);
});

// Two branches that each add a migration may pick the same number; the service would refuse to start.
test('no service has two migrations of the same version', () => {
  const clashes = readdirSync(servicesDir).flatMap((service) => {
    let files: string[];
    try {
      files = readdirSync(join(servicesDir, service, 'migrations')).filter((f) => f.endsWith('.sql'));
    } catch {
      return [];
    }
    const versions = files.map((file) => Number.parseInt(file, 10));
    return files
      .filter((_, i) => versions.indexOf(versions[i] as number) !== i)
      .map((f) => `${service}/${f}`);
  });
  assert.deepEqual(clashes, []);
});

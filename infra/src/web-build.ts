// The storefront and console are built by Vite into web/dist, which the gateway serves. `npm install`
// (postinstall) builds them, and `npm start` / `npm test` rebuild them when a source is newer than the
// last build, so nobody runs an extra step and the gateway never serves stale pages.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';

export const webDir = join(repoRoot, 'web');
export const webDist = join(webDir, 'dist');
const stamp = join(webDist, '.built');
const sources = ['src', 'index.html', 'console', 'vite.config.ts', 'package.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (newest, name) => Math.max(newest, newestMtime(join(path, name))),
    stat.mtimeMs,
  );
}

export function webIsStale(): boolean {
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return sources.some((source) => newestMtime(join(webDir, source)) > built);
}

export function buildWeb(log: (line: string) => void = console.log): void {
  log('Building the storefront and the console (web/ → web/dist)…');
  const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: webDir, stdio: 'inherit' });
  writeFileSync(stamp, new Date().toISOString());
}

export function buildWebIfStale(log: (line: string) => void = console.log): void {
  if (webIsStale()) buildWeb(log);
}

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (infra/src/paths.ts → ../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const localDir = join(repoRoot, '.local');
export const kafkaLibDir = join(localDir, 'lib', 'kafka');
export const pluginDir = join(localDir, 'plugins');
export const infraConfigDir = join(repoRoot, 'infra', 'config');
export const connectorsDir = join(repoRoot, 'infra', 'connectors');

/** Where one stack (dev or test) keeps its data, rendered configs, logs and pid files. */
export interface StackDirs {
  home: string;
  data: string;
  logs: string;
  run: string;
  config: string;
}

export function stackDirs(home: string): StackDirs {
  return {
    home,
    data: join(home, 'data'),
    logs: join(home, 'logs'),
    run: join(home, 'run'),
    config: join(home, 'config'),
  };
}

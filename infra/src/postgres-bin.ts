import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface PostgresBin {
  dir: string;
  major: number;
}

function majorOf(dir: string): number | undefined {
  const r = spawnSync(join(dir, 'postgres'), ['--version'], { encoding: 'utf8' });
  const m = /\(PostgreSQL\) (\d+)/.exec(r.stdout ?? '');
  return m?.[1] ? Number(m[1]) : undefined;
}

function candidates(): string[] {
  const dirs: string[] = [];
  if (process.env.PG_BIN) dirs.push(process.env.PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((v) => join(debian, v, 'bin')));
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

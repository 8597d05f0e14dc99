// What a stretch of load cost the whole stack: CPU time of every part (each process and its children,
// read from /proc) and the transactions PostgreSQL committed, between two snapshots.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { stackDirs } from '../../infra/src/paths.ts';
import { superuserUrl } from '../../infra/src/postgres.ts';
import { readPidFile } from '../../infra/src/proc.ts';
import type { StackSettings } from '../../infra/src/settings.ts';
import { stackPartNames } from '../../infra/src/stack.ts';

export interface UsageSnapshot {
  /** CPU seconds (user + system) per part, its child processes included. */
  cpu: Map<string, number>;
  /** Transactions committed in the stack's database so far. */
  commits: number;
  at: number;
}

export interface Usage {
  seconds: number;
  /** CPU seconds per part over the stretch, largest first. */
  cpu: [string, number][];
  cpuTotal: number;
  commits: number;
}

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export async function snapshotUsage(settings: StackSettings): Promise<UsageSnapshot> {
  const dirs = stackDirs(settings.home);
  const cpu = new Map<string, number>();
  for (const name of stackPartNames(settings)) {
    const part = readPidFile(dirs.run, name);
    if (part) cpu.set(name, treeCpuSeconds(part.pid));
  }
  return { cpu, commits: await committedTransactions(settings), at: performance.now() };
}

export function usageBetween(before: UsageSnapshot, after: UsageSnapshot): Usage {
  const cpu: [string, number][] = [...after.cpu].map(([name, seconds]) => [
    name,
    seconds - (before.cpu.get(name) ?? 0),
  ]);
  cpu.sort((a, b) => b[1] - a[1]);
  return {
    seconds: (after.at - before.at) / 1000,
    cpu,
    cpuTotal: cpu.reduce((sum, [, seconds]) => sum + seconds, 0),
    commits: after.commits - before.commits,
  };
}

async function committedTransactions(settings: StackSettings): Promise<number> {
  const client = new pg.Client({ connectionString: superuserUrl(settings, settings.pg.database) });
  await client.connect();
  try {
    const result = await client.query<{ commits: string }>(
      'SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = $1',
      [settings.pg.database],
    );
    return Number(result.rows[0]?.commits ?? 0);
  } finally {
    await client.end();
  }
}

/** utime + stime of `rootPid` and every descendant alive now (PostgreSQL's backends are children). */
function treeCpuSeconds(rootPid: number): number {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' });
  const rows = out
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of rows) {
      if (tree.has(parent) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let ticks = 0;
  for (const pid of tree) ticks += processTicks(pid);
  return ticks / ticksPerSecond;
}

/** CPU seconds (user + system) one process has spent, with the children it has reaped. */
export function processCpuSeconds(pid: number): number {
  return processTicks(pid) / ticksPerSecond;
}

/**
 * utime, stime, cutime and cstime (fields 14–17 of /proc/<pid>/stat, after the parenthesised command
 * name, which may hold spaces): the process's own time and that of children it has reaped, such as a
 * PostgreSQL backend that ended.
 */
function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  } catch {
    return 0; // gone between ps and the read
  }
}

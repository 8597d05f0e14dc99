import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface GroupMemory {
  processes: number;
  /** Sum of resident set sizes (counts shared pages once per process). */
  rssMb: number;
  /** Sum of proportional set sizes (shared pages split among sharers): what the group really costs. */
  pssMb: number;
}

function pssKb(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const m = /^Pss:\s+(\d+) kB/m.exec(text);
    return m?.[1] ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Memory of a stack part: the process and all its descendants (PostgreSQL's backends each start
 * their own session, so the process group alone would miss them).
 */
export function treeMemory(rootPid: number): GroupMemory {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' });
  const rows = out
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number, number]);
  const inTree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of rows) {
      if (inTree.has(ppid) && !inTree.has(pid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  let rss = 0;
  let pss = 0;
  for (const [pid, , kb] of rows) {
    if (!inTree.has(pid)) continue;
    rss += kb;
    pss += pssKb(pid);
  }
  return { processes: inTree.size, rssMb: rss / 1024, pssMb: pss / 1024 };
}

// Cold start, warm start and memory at rest of the whole stack (every part npm start runs).
// Figures go to docs/operations.md.
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceInstances } from '../infra/src/apphost.ts';
import { stackDirs } from '../infra/src/paths.ts';
import { readPid } from '../infra/src/proc.ts';
import { loadSettings } from '../infra/src/settings.ts';
import { startStack, stopStack } from '../infra/src/stack.ts';
import { treeMemory } from './lib/memory.ts';
import { machine, table, writeSection } from './lib/report.ts';

interface StartTiming {
  totalS: number;
  steps: [string, string][];
}

async function timedStart(fresh: boolean): Promise<StartTiming> {
  const s = loadSettings('test', { ...process.env, TEST_MICROSHOP_HOME: `${process.cwd()}/.local/bench` });
  const steps: [string, string][] = [];
  const t0 = performance.now();
  await startStack(s, {
    fresh,
    log: (line) => {
      const m = /✓ (.+) \(([\d.]+)s\)/.exec(line);
      if (m?.[1] && m[2]) steps.push([m[1], m[2]]);
    },
  });
  return { totalS: (performance.now() - t0) / 1000, steps };
}

export async function footprint(): Promise<void> {
  const s = loadSettings('test', { ...process.env, TEST_MICROSHOP_HOME: `${process.cwd()}/.local/bench` });
  await stopStack(s, () => {});
  const cold = await timedStart(true);
  console.log(`cold start ${cold.totalS.toFixed(1)} s; idling 20 s before measuring memory`);
  await sleep(20_000);
  const dirs = stackDirs(s.home);
  const rows: (string | number)[][] = [];
  let total = 0;
  for (const name of ['postgres', 'kafka', 'connect', ...serviceInstances(s).map((i) => i.part)]) {
    const rec = readPid(dirs.run, name);
    if (!rec) continue;
    const mem = treeMemory(rec.pid);
    total += mem.pssMb;
    rows.push([name, mem.processes, mem.rssMb.toFixed(0), mem.pssMb.toFixed(0)]);
  }
  rows.push(['**total**', '', '', total.toFixed(0)]);
  await stopStack(s, () => {});
  const warm = await timedStart(false);
  await stopStack(s, () => {});
  console.log(`warm start ${warm.totalS.toFixed(1)} s`);

  const stepRows = cold.steps.map(([step, secs]) => [
    step,
    secs,
    warm.steps.find(([w]) => w === step)?.[1] ?? '',
  ]);
  writeSection(
    'operations.md',
    'footprint',
    `Measured by \`npm run bench -- footprint\` on ${new Date().toISOString().slice(0, 10)}, ${machine()}.

**Start-up** (health-gated, each step waits for the previous one to be ready): cold start from an empty
data directory (initdb, Kafka storage format, connector registration) **${cold.totalS.toFixed(1)} s**; warm start
reusing the data **${warm.totalS.toFixed(1)} s**.

${table(['step', 'cold (s)', 'warm (s)'], stepRows)}

**Memory at rest** (20 s after start, no traffic). PSS splits shared pages among the processes that share
them, so PostgreSQL's shared buffers are counted once; RSS counts them in every backend.

${table(['part', 'processes', 'RSS (MB)', 'PSS (MB)'], rows)}`,
  );
}

// Cold start, warm start and memory at rest of the whole stack (every part npm start runs).
// Figures go to docs/operations.md.
import { setTimeout as sleep } from 'node:timers/promises';
import { stackDirs } from '../infra/src/paths.ts';
import { readPidFile } from '../infra/src/proc.ts';
import { stackPartNames, startStack, stopStack } from '../infra/src/stack.ts';
import { treeMemory } from './lib/memory.ts';
import { machine, table, writeSection } from './lib/report.ts';
import { benchSettings } from './lib/stack.ts';

interface StartTiming {
  totalS: number;
  steps: [string, string][];
}

async function timedStart(fresh: boolean): Promise<StartTiming> {
  const steps: [string, string][] = [];
  const startedAt = performance.now();
  await startStack(benchSettings(), {
    fresh,
    log: (line) => {
      const m = /✓ (.+) \(([\d.]+)s\)/.exec(line);
      if (m?.[1] && m[2]) steps.push([m[1], m[2]]);
    },
  });
  return { totalS: (performance.now() - startedAt) / 1000, steps };
}

export async function footprint(): Promise<void> {
  const settings = benchSettings();
  await stopStack(settings, () => {});
  const cold = await timedStart(true);
  console.log(`cold start ${cold.totalS.toFixed(1)} s; idling 20 s before measuring memory`);
  await sleep(20_000);
  const dirs = stackDirs(settings.home);
  const rows: (string | number)[][] = [];
  let total = 0;
  for (const name of stackPartNames(settings)) {
    const part = readPidFile(dirs.run, name);
    if (!part) continue;
    const memory = treeMemory(part.pid);
    total += memory.pssMb;
    rows.push([name, memory.processes, memory.rssMb.toFixed(0), memory.pssMb.toFixed(0)]);
  }
  rows.push(['**total**', '', '', total.toFixed(0)]);
  await stopStack(settings, () => {});
  const warm = await timedStart(false);
  await stopStack(settings, () => {});
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

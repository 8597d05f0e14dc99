// Cold start, warm start and memory at rest of the whole stack (every part npm start runs), in both
// layouts in one run: hosted (npm start's default: the services in host processes, the gateway in
// another) and split (a process per service instance). Figures go to docs/operations.md.
import { setTimeout as sleep } from 'node:timers/promises';
import { stackDirs } from '../infra/src/paths.ts';
import { readPidFile } from '../infra/src/proc.ts';
import { defaultHosts, type Layout } from '../infra/src/settings.ts';
import { stackPartNames, startStack, stopStack } from '../infra/src/stack.ts';
import { treeMemory } from './lib/memory.ts';
import { machine, table, writeSection } from './lib/report.ts';
import { benchSettings } from './lib/stack.ts';

interface StartTiming {
  totalS: number;
  steps: [string, string][];
}

interface LayoutFootprint {
  layout: Layout;
  cold: StartTiming;
  warm: StartTiming;
  rows: (string | number)[][];
  totalMb: number;
}

const settingsOf = (layout: Layout) => benchSettings({ TEST_MICROSHOP_LAYOUT: layout });

async function timedStart(layout: Layout, fresh: boolean): Promise<StartTiming> {
  const steps: [string, string][] = [];
  const startedAt = performance.now();
  await startStack(settingsOf(layout), {
    fresh,
    log: (line) => {
      const m = /✓ (.+) \(([\d.]+)s\)/.exec(line);
      if (m?.[1] && m[2]) steps.push([m[1], m[2]]);
    },
  });
  return { totalS: (performance.now() - startedAt) / 1000, steps };
}

/** PSS and RSS of every part's process tree, now. */
function memoryAtRest(layout: Layout): { rows: (string | number)[][]; totalMb: number } {
  const settings = settingsOf(layout);
  const dirs = stackDirs(settings.home);
  const rows: (string | number)[][] = [];
  let totalMb = 0;
  for (const name of stackPartNames(settings)) {
    const part = readPidFile(dirs.run, name);
    if (!part) continue;
    const memory = treeMemory(part.pid);
    totalMb += memory.pssMb;
    rows.push([layout, name, memory.processes, memory.rssMb.toFixed(0), memory.pssMb.toFixed(0)]);
  }
  rows.push([layout, '**total**', '', '', `**${totalMb.toFixed(0)}**`]);
  return { rows, totalMb };
}

async function measure(layout: Layout): Promise<LayoutFootprint> {
  const settings = settingsOf(layout);
  await stopStack(settings, () => {});
  const cold = await timedStart(layout, true);
  console.log(`${layout}: cold start ${cold.totalS.toFixed(1)} s; idling 20 s before measuring memory`);
  await sleep(20_000);
  const memory = memoryAtRest(layout);
  await stopStack(settings, () => {});
  const warm = await timedStart(layout, false);
  await stopStack(settings, () => {});
  console.log(
    `${layout}: warm start ${warm.totalS.toFixed(1)} s, ${memory.totalMb.toFixed(0)} MB PSS at rest`,
  );
  return { layout, cold, warm, ...memory };
}

export async function footprint(): Promise<void> {
  const results: LayoutFootprint[] = [];
  for (const layout of ['hosted', 'split'] as const) results.push(await measure(layout));
  const summary = results.map((r) => [
    r.layout,
    r.cold.totalS.toFixed(1),
    r.warm.totalS.toFixed(1),
    `${(r.totalMb / 1024).toFixed(2)} GiB`,
  ]);
  const stepRows = results.flatMap((r) =>
    r.cold.steps.map(([step, secs]) => [
      r.layout,
      step,
      secs,
      r.warm.steps.find(([w]) => w === step)?.[1] ?? '',
    ]),
  );
  writeSection(
    'operations.md',
    'footprint',
    `Measured by \`npm run bench -- footprint\` on ${new Date().toISOString().slice(0, 10)}, ${machine()}, in both
layouts one after the other: **hosted** (\`npm start\`'s default: the backend services shared by ${defaultHosts}
host process${defaultHosts === 1 ? '' : 'es'} — \`MICROSHOP_HOSTS\` — the gateway in another) and **split** (\`npm start -- --split\`: a process per service instance).

${table(['layout', 'cold start (s)', 'warm start (s)', 'memory at rest (PSS)'], summary)}

**Start-up** (health-gated, each step waits for the previous one to be ready): cold from an empty data directory
(initdb, Kafka storage format, connector registration), warm reusing the data.

${table(['layout', 'step', 'cold (s)', 'warm (s)'], stepRows)}

**Memory at rest** (20 s after start, no traffic). PSS splits shared pages among the processes that share
them, so PostgreSQL's shared buffers are counted once; RSS counts them in every backend.

${table(
  ['layout', 'part', 'processes', 'RSS (MB)', 'PSS (MB)'],
  results.flatMap((r) => r.rows),
)}`,
  );
}

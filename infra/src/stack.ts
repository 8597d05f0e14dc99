// Health-gated start of the whole stack in dependency order, and its clean stop:
// PostgreSQL → Kafka → topics → Kafka Connect → connectors → services → gateway.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { type ServiceInstance, type ServiceSpec, serviceInstances, serviceSpecs } from './apphost.ts';
import { registerConnectors, startConnect } from './connect.ts';
import { createTopics, startKafka } from './kafka.ts';
import { type StackDirs, stackDirs } from './paths.ts';
import { startPostgres, superuserUrl } from './postgres.ts';
import { isAlive, type RunningPart, readPid, startPart, stopRecorded, waitUntil } from './proc.ts';
import { kafkaNodePorts, type StackSettings } from './settings.ts';
import { ensureReady } from './setup.ts';

export interface StartOptions {
  services?: readonly ServiceSpec[];
  log?: (line: string) => void;
  /** Wipe the stack's data first (the test stack starts from nothing every run). */
  fresh?: boolean;
  /** Extra environment for every service (benchmarks lengthen the watchdog's deadlines, for example). */
  serviceEnv?: Record<string, string>;
}

export interface Stack {
  settings: StackSettings;
  dirs: StackDirs;
  parts: RunningPart[];
  instances: ServiceInstance[];
}

const orderFile = (dirs: StackDirs) => join(dirs.run, 'parts');

function recordOrder(dirs: StackDirs, parts: RunningPart[]): void {
  writeFileSync(orderFile(dirs), parts.map((p) => p.name).join('\n'));
}

function recordedParts(dirs: StackDirs): string[] {
  return existsSync(orderFile(dirs)) ? readFileSync(orderFile(dirs), 'utf8').split('\n').filter(Boolean) : [];
}

export function runningParts(dirs: StackDirs): string[] {
  return recordedParts(dirs).filter((name) => {
    const rec = readPid(dirs.run, name);
    return rec !== undefined && isAlive(rec.pid);
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function checkPorts(s: StackSettings, instances: ServiceInstance[]): Promise<void> {
  const wanted: [string, number][] = [
    ['PostgreSQL', s.pg.port],
    ['Kafka Connect', s.connect.port],
  ];
  for (let i = 0; i < s.kafka.nodes; i++) {
    const p = kafkaNodePorts(s, i);
    wanted.push([`Kafka node ${i + 1}`, p.broker], [`Kafka controller ${i + 1}`, p.controller]);
  }
  for (const inst of instances) wanted.push([inst.part, inst.port]);
  const busy: string[] = [];
  for (const [what, port] of wanted) if (!(await portFree(port))) busy.push(`${what} port ${port}`);
  if (busy.length > 0)
    throw new Error(
      `ports already in use: ${busy.join(', ')} (another stack running? npm run stack -- status)`,
    );
}

async function slotActive(s: StackSettings): Promise<boolean> {
  const c = new pg.Client({ connectionString: superuserUrl(s, s.pg.database) });
  await c.connect();
  try {
    const r = await c.query("select active from pg_replication_slots where slot_name = 'microshop_outbox'");
    return r.rows[0]?.active === true;
  } finally {
    await c.end();
  }
}

async function httpReady(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return res.ok;
}

export function startService(inst: ServiceInstance, dirs: StackDirs): RunningPart {
  return startPart(
    { name: inst.part, command: process.execPath, args: [inst.entry], env: { ...process.env, ...inst.env } },
    dirs,
  );
}

export async function startStack(s: StackSettings, opts: StartOptions = {}): Promise<Stack> {
  const log = opts.log ?? console.log;
  const dirs = stackDirs(s.home);
  if (runningParts(dirs).length > 0)
    throw new Error(`the ${s.profile} stack is already running (npm run stack -- status)`);
  ensureReady(log);
  if (opts.fresh) rmSync(dirs.home, { recursive: true, force: true });
  for (const d of [dirs.data, dirs.logs, dirs.run, dirs.config]) mkdirSync(d, { recursive: true });
  const instances = serviceInstances(s, opts.services ?? serviceSpecs);
  for (const inst of instances) Object.assign(inst.env, opts.serviceEnv);
  await checkPorts(s, instances);
  const stack: Stack = { settings: s, dirs, parts: [], instances };
  const step = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    log(`  ✓ ${label} (${((performance.now() - t0) / 1000).toFixed(1)}s)`);
    return out;
  };
  try {
    stack.parts.push(await step('PostgreSQL', () => startPostgres(s, dirs)));
    recordOrder(dirs, stack.parts);
    stack.parts.push(
      ...(await step(`Kafka (${s.kafka.nodes} node${s.kafka.nodes > 1 ? 's' : ''})`, () =>
        startKafka(s, dirs),
      )),
    );
    recordOrder(dirs, stack.parts);
    await step('topics', () => createTopics(s));
    const connect = await step('Kafka Connect', () => startConnect(s, dirs));
    stack.parts.push(connect);
    recordOrder(dirs, stack.parts);
    await step('connectors', async () => {
      await registerConnectors(s, connect);
      await waitUntil(connect, 'replication slot microshop_outbox active', () => slotActive(s), 30_000);
    });
    // Services depend only on the infrastructure, so they start together; the gateway last.
    const backends = instances.filter((i) => i.service !== 'gateway');
    const gateways = instances.filter((i) => i.service === 'gateway');
    for (const group of [backends, gateways]) {
      if (group.length === 0) continue;
      const started = group.map((inst) => ({ inst, part: startService(inst, dirs) }));
      stack.parts.push(...started.map((x) => x.part));
      recordOrder(dirs, stack.parts);
      const names = group.map((i) => i.part).join(', ');
      await step(names, () =>
        Promise.all(
          started.map(({ inst, part }) =>
            waitUntil(
              part,
              `GET /ready on :${inst.port}`,
              () => httpReady(`http://127.0.0.1:${inst.port}/ready`),
              90_000,
            ),
          ),
        ),
      );
    }
    return stack;
  } catch (err) {
    await stopStack(s, () => {});
    throw err;
  }
}

/** Stops every part this stack recorded, newest first (services before Connect, Kafka, PostgreSQL). */
export async function stopStack(s: StackSettings, log: (line: string) => void = console.log): Promise<void> {
  const dirs = stackDirs(s.home);
  // Recorded order first (newest first); then any part whose pid file exists but which never got
  // recorded, such as one that was spawned and failed its readiness check.
  const recorded = recordedParts(dirs).reverse();
  const unrecorded = existsSync(dirs.run)
    ? readdirSync(dirs.run)
        .filter((f) => f.endsWith('.pid'))
        .map((f) => f.slice(0, -'.pid'.length))
        .filter((name) => !recorded.includes(name))
    : [];
  const names = [...unrecorded, ...recorded];
  for (const name of names) {
    const rec = readPid(dirs.run, name);
    if (!rec) continue;
    await stopRecorded(dirs.run, rec);
    log(`  ✓ stopped ${name}`);
  }
  rmSync(orderFile(dirs), { force: true });
}

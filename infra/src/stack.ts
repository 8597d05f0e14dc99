// Health-gated start of the whole stack in dependency order, and its clean stop:
// PostgreSQL → Kafka → topics → Kafka Connect → connectors → services → gateway.
// Each step waits until its part answers before the next begins, and every part is recorded as it
// starts (started-parts.ts), so a start that fails halfway stops what it had started.
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ServiceInstance,
  type ServiceProcess,
  type ServiceSpec,
  serviceInstances,
  serviceProcesses,
  serviceSpecs,
} from './apphost.ts';
import { registerConnectors, startConnect } from './connect.ts';
import { createTopics, kafkaNodeNames, startKafka } from './kafka.ts';
import { repoRoot, type StackDirs, stackDirs } from './paths.ts';
import { outboxSlotActive, startPostgres } from './postgres.ts';
import { isAlive, type RunningPart, readPidFile, startPart, stopPart, waitUntil } from './proc.ts';
import { kafkaNodePorts, type StackSettings } from './settings.ts';
import { ensureReady } from './setup.ts';
import {
  forgetStarted,
  recordStarted,
  runningParts,
  runningSupervisorPid,
  stopOrder,
} from './started-parts.ts';

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
  /** Every part started, oldest first. */
  parts: RunningPart[];
  instances: ServiceInstance[];
  /** The processes the instances run in (one per instance when split, a host when hosted). */
  processes: ServiceProcess[];
}

/** Runs one start step and logs it with its duration: `  ✓ PostgreSQL (1.2s)`. */
type Step = <T>(label: string, run: () => Promise<T>) => Promise<T>;

export async function startStack(settings: StackSettings, options: StartOptions = {}): Promise<Stack> {
  const log = options.log ?? console.log;
  const dirs = stackDirs(settings.home);
  if (runningParts(dirs).length > 0)
    throw new Error(`the ${settings.profile} stack is already running (npm run stack -- status)`);
  ensureReady(log);
  if (options.fresh) rmSync(dirs.home, { recursive: true, force: true });
  for (const dir of [dirs.data, dirs.logs, dirs.run, dirs.config]) mkdirSync(dir, { recursive: true });
  const instances = serviceInstances(settings, options.services ?? serviceSpecs);
  for (const instance of instances) Object.assign(instance.env, options.serviceEnv);
  await checkPortsFree(settings, instances);
  const processes = serviceProcesses(instances, settings.layout, settings.hosts);
  const stack: Stack = { settings, dirs, parts: [], instances, processes };
  const step = timedStep(log);
  try {
    await startInfrastructure(stack, step);
    await startServices(stack, step);
    return stack;
  } catch (error) {
    await stopStack(settings, () => {});
    throw error;
  }
}

/** Stops every part this stack recorded, newest first (services before Connect, Kafka, PostgreSQL). */
export async function stopStack(
  settings: StackSettings,
  log: (line: string) => void = console.log,
): Promise<void> {
  const dirs = stackDirs(settings.home);
  await stopSupervisor(dirs, log);
  for (const name of stopOrder(dirs)) {
    const part = readPidFile(dirs.run, name);
    if (!part) continue;
    await stopPart(dirs.run, part);
    log(`  ✓ stopped ${name}`);
  }
  forgetStarted(dirs);
}

/**
 * Ends the stack's supervisor when another process runs it (`npm start` in another terminal): it
 * stops the parts itself and exits; what it leaves running is stopped by the caller after.
 */
async function stopSupervisor(dirs: StackDirs, log: (line: string) => void): Promise<void> {
  const pid = runningSupervisorPid(dirs);
  if (pid === undefined || pid === process.pid) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 180_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  log(`  ✓ stopped the supervisor (pid ${pid})`);
}

/** Every part the stack may run, in start order (`status` lists those that ran). */
export function stackPartNames(settings: StackSettings): string[] {
  const processes = serviceProcesses(serviceInstances(settings), settings.layout, settings.hosts);
  return ['postgres', ...kafkaNodeNames(settings), 'connect', ...processes.map((process) => process.part)];
}

/** The process of one instance on its own (the split layout). */
function processOf(instance: ServiceInstance): ServiceProcess {
  return { part: instance.part, instances: [instance], entry: instance.entry, env: instance.env };
}

export function startService(instance: ServiceInstance, dirs: StackDirs): RunningPart {
  return startProcess(processOf(instance), dirs);
}

const telemetryRegister = join(repoRoot, 'packages', 'platform', 'src', 'telemetry', 'register.ts');

export function startProcess(service: ServiceProcess, dirs: StackDirs): RunningPart {
  return startPart(
    {
      name: service.part,
      command: process.execPath,
      // Tracing first, so it can instrument pg and node:http before the service loads them.
      args: ['--import', telemetryRegister, service.entry],
      env: { ...process.env, ...service.env },
    },
    dirs,
  );
}

/** Starts a service process and resolves once every instance it runs answers `GET /ready`. */
export async function startProcessReady(
  service: ServiceProcess,
  dirs: StackDirs,
  timeoutMs = 90_000,
): Promise<RunningPart> {
  const part = startProcess(service, dirs);
  await waitUntilReady(service, part, timeoutMs);
  return part;
}

/** Starts one service instance and resolves once its `GET /ready` answers 200. */
export function startServiceReady(
  instance: ServiceInstance,
  dirs: StackDirs,
  timeoutMs = 90_000,
): Promise<RunningPart> {
  return startProcessReady(processOf(instance), dirs, timeoutMs);
}

function timedStep(log: (line: string) => void): Step {
  return async (label, run) => {
    const startedAt = performance.now();
    const result = await run();
    log(`  ✓ ${label} (${((performance.now() - startedAt) / 1000).toFixed(1)}s)`);
    return result;
  };
}

/** A part is in `stack.parts` and in the stack's record from the moment it has started. */
function addStarted(stack: Stack, ...parts: RunningPart[]): void {
  stack.parts.push(...parts);
  recordStarted(stack.dirs, stack.parts);
}

async function startInfrastructure(stack: Stack, step: Step): Promise<void> {
  const { settings, dirs } = stack;
  addStarted(stack, await step('PostgreSQL', () => startPostgres(settings, dirs)));
  const nodes = settings.kafka.nodes;
  const kafkaLabel = `Kafka (${nodes} node${nodes > 1 ? 's' : ''})`;
  addStarted(stack, ...(await step(kafkaLabel, () => startKafka(settings, dirs))));
  await step('topics', () => createTopics(settings));
  const connect = await step('Kafka Connect', () => startConnect(settings, dirs));
  addStarted(stack, connect);
  await step('connectors', async () => {
    await registerConnectors(settings, connect);
    const what = 'replication slot microshop_outbox active';
    await waitUntil(connect, what, () => outboxSlotActive(settings), 30_000);
  });
}

/**
 * Services depend only on the infrastructure, so their processes start together; the gateway's last.
 * A process is up when every instance it runs answers `GET /ready`.
 */
async function startServices(stack: Stack, step: Step): Promise<void> {
  const runsGateway = (process: ServiceProcess) => process.instances.some((i) => i.service === 'gateway');
  const backends = stack.processes.filter((process) => !runsGateway(process));
  const gateways = stack.processes.filter(runsGateway);
  for (const group of [backends, gateways]) {
    if (group.length === 0) continue;
    const started = group.map((process) => ({ process, part: startProcess(process, stack.dirs) }));
    addStarted(stack, ...started.map(({ part }) => part));
    const names = group.map(describeProcess).join(', ');
    await step(names, () =>
      Promise.all(
        started.flatMap(({ process, part }) =>
          process.instances.map((instance) => waitUntilInstanceReady(instance, part, 90_000)),
        ),
      ),
    );
  }
}

/** `orders-1`, or `services (orders, customers, …)` for a host. */
function describeProcess(process: ServiceProcess): string {
  const own = process.instances.length === 1 && process.instances[0]?.part === process.part;
  return own ? process.part : `${process.part} (${process.instances.map((i) => i.part).join(', ')})`;
}

/** Resolves once every instance the process runs answers `GET /ready`. */
export async function waitUntilReady(
  service: ServiceProcess,
  part: RunningPart,
  timeoutMs = 90_000,
): Promise<void> {
  await Promise.all(service.instances.map((instance) => waitUntilInstanceReady(instance, part, timeoutMs)));
}

function waitUntilInstanceReady(
  instance: ServiceInstance,
  part: RunningPart,
  timeoutMs: number,
): Promise<void> {
  return waitUntil(part, `GET /ready on :${instance.port}`, () => answersReady(instance), timeoutMs);
}

async function answersReady(instance: ServiceInstance): Promise<boolean> {
  const response = await fetch(`${instance.url}/ready`, { signal: AbortSignal.timeout(2000) });
  return response.ok;
}

async function checkPortsFree(settings: StackSettings, instances: ServiceInstance[]): Promise<void> {
  const wanted: [string, number][] = [
    ['PostgreSQL', settings.pg.port],
    ['Kafka Connect', settings.connect.port],
  ];
  for (let node = 0; node < settings.kafka.nodes; node++) {
    const ports = kafkaNodePorts(settings, node);
    wanted.push([`Kafka node ${node + 1}`, ports.broker], [`Kafka controller ${node + 1}`, ports.controller]);
  }
  for (const instance of instances) wanted.push([instance.part, instance.port]);
  const busy: string[] = [];
  for (const [what, port] of wanted) if (!(await portFree(port))) busy.push(`${what} port ${port}`);
  if (busy.length > 0)
    throw new Error(
      `ports already in use: ${busy.join(', ')} (another stack running? npm run stack -- status)`,
    );
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

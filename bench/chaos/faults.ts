// The faults the chaos run injects, one small injector per kind. Each injects its fault, holds it,
// ends it (or leaves the ending to the stack's supervisor, for a crash) and resolves once the part is
// back, with a record of what it did and when. Crashes are SIGKILLs of the part's process from
// outside the stack's tooling, so the supervisor sees a part that died outside shutdown.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceInstance } from '../../infra/src/apphost.ts';
import { kafkaNodeNames, nodeReady } from '../../infra/src/kafka.ts';
import type { StackDirs } from '../../infra/src/paths.ts';
import { isAlive, readPidFile } from '../../infra/src/proc.ts';
import { cdcIsRunning } from '../../infra/src/restart-part.ts';
import type { StackSettings } from '../../infra/src/settings.ts';
import type { Caller } from '../lib/auth.ts';
import type { Random } from './random.ts';

export const faultKinds = [
  'kill-service',
  'kill-postgres',
  'kill-kafka',
  'kill-connect',
  'pause-process',
  'outage-smtp',
  'outage-payment',
  'outage-carrier',
] as const;
export type FaultKind = (typeof faultKinds)[number];

/** The stack the faults are injected into: its settings, directories and service instances. */
export interface ChaosStack {
  settings: StackSettings;
  dirs: StackDirs;
  instances: readonly ServiceInstance[];
}

export interface FaultContext {
  stack: ChaosStack;
  operator: Caller;
  random: Random;
  log: (line: string) => void;
}

export interface FaultRecord {
  kind: FaultKind;
  target: string;
  detail: string;
  startedAt: number;
  /** When the fault ended: the outage switched off, the process resumed, the crashed part started again. */
  endedAt: number;
}

type Injector = (context: FaultContext) => Promise<FaultRecord>;

/** The kit's consumers leave their group after 10 s without a heartbeat (platform/kafka/consumer.ts). */
const sessionTimeoutMs = 10_000;
/** As long as the supervisor waits for a part that is alive and still starting (proc.ts waitUntil). */
const recoveryTimeoutMs = 900_000;

/** The outside world the stack imitates once: not its own services, so not crashed as one. */
const outside = new Set(['payment-sandbox', 'carrier-sandbox', 'mail-sink']);

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + recoveryTimeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${what} not back within ${recoveryTimeoutMs / 1000}s`);
}

/** SIGKILLs `part` and resolves once the supervisor has started it again and `back` holds. */
async function crash(
  context: FaultContext,
  kind: FaultKind,
  part: string,
  back: () => Promise<boolean>,
): Promise<FaultRecord> {
  const { run } = context.stack.dirs;
  const pid = readPidFile(run, part)?.pid;
  if (pid === undefined || !isAlive(pid)) throw new Error(`${part} is not running`);
  const startedAt = Date.now();
  process.kill(pid, 'SIGKILL');
  await until(`${part} after SIGKILL`, async () => {
    const now = readPidFile(run, part)?.pid;
    return now !== undefined && now !== pid && isAlive(now) && (await back());
  });
  return { kind, target: part, detail: 'SIGKILL', startedAt, endedAt: Date.now() };
}

async function answersReady(instance: ServiceInstance): Promise<boolean> {
  const response = await fetch(`${instance.url}/ready`, { signal: AbortSignal.timeout(2000) });
  return response.ok;
}

function ownServices(stack: ChaosStack): ServiceInstance[] {
  return stack.instances.filter((instance) => !outside.has(instance.service));
}

const killService: Injector = (context) => {
  const instance = context.random.pick(context.stack.instances);
  return crash(context, 'kill-service', instance.part, () => answersReady(instance));
};

const killPostgres: Injector = (context) =>
  crash(context, 'kill-postgres', 'postgres', () => cdcIsRunning(context.stack.settings));

const killKafka: Injector = (context) => {
  const node = context.random.pick(kafkaNodeNames(context.stack.settings));
  return crash(context, 'kill-kafka', node, () => nodeReady(context.stack.settings, node));
};

const killConnect: Injector = (context) =>
  crash(context, 'kill-connect', 'connect', () => cdcIsRunning(context.stack.settings));

/** SIGSTOP of a consuming service instance or a Kafka node for longer than a session, then SIGCONT. */
const pauseProcess: Injector = async (context) => {
  const { stack, random } = context;
  const candidates = [
    ...ownServices(stack)
      .filter((instance) => instance.service !== 'gateway')
      .map((instance) => instance.part),
    ...kafkaNodeNames(stack.settings),
  ];
  const part = random.pick(candidates);
  const pid = readPidFile(stack.dirs.run, part)?.pid;
  if (pid === undefined) throw new Error(`${part} is not running`);
  const holdMs = sessionTimeoutMs + random.between(3000, 10_000);
  const startedAt = Date.now();
  process.kill(pid, 'SIGSTOP');
  try {
    await sleep(holdMs);
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  return {
    kind: 'pause-process',
    target: part,
    detail: `SIGSTOP ${holdMs} ms`,
    startedAt,
    endedAt: Date.now(),
  };
};

/** An outage of an outside service through its operator-only switch, held, then switched off. */
function outage(kind: FaultKind, service: string, faults: Record<string, unknown>[]): Injector {
  return async (context) => {
    const instance = context.stack.instances.find((candidate) => candidate.service === service);
    if (!instance) throw new Error(`the stack runs no ${service}`);
    const fault = context.random.pick(faults);
    const holdMs = context.random.between(8000, 25_000);
    const startedAt = Date.now();
    await switchOutage(context, instance, 'PUT', { fault });
    await sleep(holdMs);
    await switchOutage(context, instance, 'DELETE');
    const detail = `${JSON.stringify(fault)} ${holdMs} ms`;
    return { kind, target: service, detail, startedAt, endedAt: Date.now() };
  };
}

/** Calls the switch, trying again for a while: the instance may be restarting after an earlier crash. */
async function switchOutage(
  context: FaultContext,
  instance: ServiceInstance,
  method: 'PUT' | 'DELETE',
  body?: unknown,
): Promise<void> {
  let last = '';
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      const response = await fetch(`${instance.url}/api/v1/outage`, {
        method,
        headers: {
          authorization: await context.operator.authorization(),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(5000),
      });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(1000);
  }
  throw new Error(`${method} the outage of ${instance.part}: ${last}`);
}

export const injectors: Record<FaultKind, Injector> = {
  'kill-service': killService,
  'kill-postgres': killPostgres,
  'kill-kafka': killKafka,
  'kill-connect': killConnect,
  'pause-process': pauseProcess,
  'outage-smtp': outage('outage-smtp', 'mail-sink', [
    { mode: 'refuse-connections' },
    { mode: 'reject', code: 421, message: 'Service not available (chaos)' },
  ]),
  'outage-payment': outage('outage-payment', 'payment-sandbox', [{ mode: 'unavailable' }, { mode: 'hang' }]),
  'outage-carrier': outage('outage-carrier', 'carrier-sandbox', [{ mode: 'unavailable' }, { mode: 'hang' }]),
};

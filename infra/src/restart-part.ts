// How the supervisor (supervise.ts) starts each kind of part again after it died, and what "back"
// means for it: PostgreSQL accepting connections (its roles and schemas ensured again), a Kafka node
// in the cluster, Kafka Connect answering with the Debezium plugin, a service process answering
// GET /ready on every instance it runs. After PostgreSQL or Connect the change-data capture must run
// again too: the connector RUNNING (a failed task restarted, the connector registered again if Connect
// lost it) and the outbox's replication slot active.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceProcess } from './apphost.ts';
import { connectorConfigs, connectorStatus, putConfig, startConnect } from './connect.ts';
import { kafkaNodeNames, restartKafkaNode } from './kafka.ts';
import type { Launch } from './launch.ts';
import type { StackDirs } from './paths.ts';
import { outboxSlotActive, startPostgres } from './postgres.ts';
import { type RunningPart, startPart } from './proc.ts';
import { connectUrl, type StackSettings } from './settings.ts';
import { startProcessReady, waitUntilReady } from './stack.ts';

// After a restart the connector's task may take minutes to stream again on a loaded machine; giving
// up sooner would only stop the part that is back and start it from scratch.
const cdcPatienceMs = 600_000;

export type PartKind = 'postgres' | 'kafka' | 'connect' | 'service';

export function kindOf(settings: StackSettings, name: string): PartKind {
  if (name === 'postgres') return 'postgres';
  if (name === 'connect') return 'connect';
  if (kafkaNodeNames(settings).includes(name)) return 'kafka';
  return 'service';
}

export interface RestartContext {
  settings: StackSettings;
  dirs: StackDirs;
  processes: readonly ServiceProcess[];
}

/**
 * Starts the part `name` again and resolves once it is back (and, after PostgreSQL or Connect, the
 * change-data capture runs). A service process is started as `launch`
 * says when given (as it last ran), else as the stack starts it.
 */
export async function restartPart(
  context: RestartContext,
  name: string,
  launch?: Launch,
): Promise<RunningPart> {
  const { settings, dirs } = context;
  switch (kindOf(settings, name)) {
    case 'postgres': {
      const part = await startPostgres(settings, dirs);
      await ensureCdcRunning(settings, cdcPatienceMs);
      return part;
    }
    case 'kafka':
      return restartKafkaNode(settings, dirs, name);
    case 'connect': {
      const part = await startConnect(settings, dirs);
      await ensureCdcRunning(settings, cdcPatienceMs);
      return part;
    }
    case 'service': {
      const service = context.processes.find((candidate) => candidate.part === name);
      if (!service) throw new Error(`${name} is no part of this stack`);
      if (launch === undefined) return startProcessReady(service, dirs);
      const { command, args, env, cwd } = launch;
      const part = startPart({ name, command, args, env, cwd }, dirs);
      await waitUntilReady(service, part);
      return part;
    }
  }
}

/**
 * Waits until every connector and its tasks run and the outbox slot is active again. A connector
 * Connect does not know (its config topic lost) is registered again; a FAILED task is restarted
 * (after a PostgreSQL restart Debezium's task may fail on the broken replication connection).
 */
export async function ensureCdcRunning(settings: StackSettings, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const pending = await connectorsNotRunning(settings);
      if (pending.length === 0 && (await outboxSlotActive(settings))) return;
      last = pending.length > 0 ? pending.join(', ') : 'replication slot microshop_outbox inactive';
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(1000);
  }
  throw new Error(`change-data capture not running again within ${timeoutMs / 1000}s: ${last}`);
}

async function connectorsNotRunning(settings: StackSettings): Promise<string[]> {
  const pending: string[] = [];
  for (const connector of connectorConfigs(settings)) {
    const status = await connectorStatus(settings, connector.name);
    if (status === undefined) {
      await putConfig(settings, connector);
      pending.push(`${connector.name} registered again`);
      continue;
    }
    const units = [status.connector, ...status.tasks];
    if (units.some((unit) => unit.state === 'FAILED')) {
      const restart = `${connectUrl(settings)}/connectors/${connector.name}/restart?includeTasks=true&onlyFailed=true`;
      await fetch(restart, { method: 'POST', signal: AbortSignal.timeout(10_000) });
      pending.push(`${connector.name} FAILED, restarted`);
    } else if (status.tasks.length === 0 || units.some((unit) => unit.state !== 'RUNNING')) {
      pending.push(`${connector.name} ${status.connector.state}`);
    }
  }
  return pending;
}

/** Whether every connector and its tasks run and Debezium holds the outbox slot (a look, no action). */
export async function cdcIsRunning(settings: StackSettings): Promise<boolean> {
  for (const connector of connectorConfigs(settings)) {
    const status = await connectorStatus(settings, connector.name);
    const units = status ? [status.connector, ...status.tasks] : [];
    if (units.length < 2 || units.some((unit) => unit.state !== 'RUNNING')) return false;
  }
  return outboxSlotActive(settings);
}

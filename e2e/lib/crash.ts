// Crashes of the stack's parts as they happen outside the stack's tooling (a SIGKILL from the kernel,
// an operator's `kill -9`): no "stopping" marker is left, so the stack's supervisor, which the test
// runner runs as `npm start` does, is the one that starts the part again.
import assert from 'node:assert/strict';
import type { ServiceSettings } from '../../bench/chaos/deadlines.ts';
import { type ServiceInstance, serviceInstances } from '../../infra/src/apphost.ts';
import { isAlive, readPidFile } from '../../infra/src/proc.ts';
import { cdcIsRunning } from '../../infra/src/restart-part.ts';
import { startServiceReady } from '../../infra/src/stack.ts';
import { eventually } from './api.ts';
import { type DeadLetterSummary, ops } from './ops.ts';
import { instancesOf, stopPartOfStack, testDirs, testSettings } from './stack.ts';

/** SIGKILLs the part's process (not its group: what a crash kills) and returns the pid it had. */
export function crash(name: string): number {
  const part = readPidFile(testDirs.run, name);
  assert.ok(part && isAlive(part.pid), `${name} is running`);
  process.kill(part.pid, 'SIGKILL');
  return part.pid;
}

/**
 * Freezes the part (SIGSTOP: alive, holding its sockets, answering nothing, so no supervisor restarts
 * it) for `ms`, then lets it go on (SIGCONT). Resolves when it runs again.
 */
export async function freeze(name: string, ms: number): Promise<void> {
  const part = readPidFile(testDirs.run, name);
  assert.ok(part && isAlive(part.pid), `${name} is running`);
  process.kill(part.pid, 'SIGSTOP');
  try {
    await new Promise((resolve) => setTimeout(resolve, ms));
  } finally {
    process.kill(part.pid, 'SIGCONT');
  }
}

/** Resolves once a new process of the part runs (the supervisor started it again), with its pid. */
export function restartedByStack(name: string, crashedPid: number, timeoutMs = 180_000): Promise<number> {
  return eventually(
    `${name} started again by the stack`,
    async () => {
      const part = readPidFile(testDirs.run, name);
      return part && part.pid !== crashedPid && isAlive(part.pid) ? part.pid : undefined;
    },
    timeoutMs,
  );
}

/** Resolves once every connector and its tasks run and Debezium holds the outbox's replication slot. */
export function cdcRunning(timeoutMs = 180_000): Promise<true> {
  const check = async () => ((await cdcIsRunning(testSettings)) ? true : undefined);
  return eventually('the connector RUNNING and the outbox slot active', check, timeoutMs);
}

/** The dead letters whose last failure is at or after `since` (ms since the epoch). */
export async function deadLettersSince(since: number): Promise<DeadLetterSummary[]> {
  const page = await ops.call<{ items: DeadLetterSummary[] }>(
    'GET',
    '/api/v1/ops/dead-letters?status=open,redriving,redriven,discarded&limit=500',
  );
  return page.items.filter((item) => Date.parse(item.lastFailedAt) >= since);
}

/**
 * Runs the services named with the settings given instead of the test stack's, whose deadlines are
 * seconds long so they can be tested: none that short outlasts a JVM's restart, and an order still
 * waiting at its deadline is failed by design. Resolves with what puts the test stack's back.
 */
export async function withServiceSettings(settings: ServiceSettings): Promise<() => Promise<void>> {
  const instances = Object.keys(settings).flatMap(instancesOf);
  const restart = async (env: (instance: ServiceInstance) => Record<string, string>) => {
    for (const instance of instances) {
      await stopPartOfStack(instance.part);
      await startServiceReady({ ...instance, env: env(instance) }, testDirs, 60_000);
    }
  };
  await restart((instance) => ({ ...instance.env, ...settings[instance.service] }));
  return () => restart((instance) => instance.env);
}

/**
 * Restarts the instances of every service whose consumer group has stayed without members: after a
 * crash of the only Kafka broker the kit's consumers sometimes never rejoin (docs/reliability.md, "What
 * the runs found"). The tests that crash Kafka call it last, so the serial tests after them find a
 * whole stack. Returns the services restarted.
 */
export async function restartStrandedConsumers(): Promise<string[]> {
  const services = [...new Set(serviceInstances(testSettings).map((instance) => instance.service))];
  const emptyGroups = async () => {
    const { groups } = await ops.call<{ groups: { group: string; state: string }[] }>(
      'GET',
      '/api/v1/ops/consumer-groups',
    );
    return new Set(groups.filter((g) => g.state === 'Empty').map((g) => g.group));
  };
  // Empty three times 10 s apart: not a group between two members' rebalances.
  let stranded = await emptyGroups();
  for (let look = 0; look < 2 && stranded.size > 0; look++) {
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const now = await emptyGroups();
    stranded = new Set([...stranded].filter((group) => now.has(group)));
  }
  const restarted = services.filter((service) =>
    [...stranded].some((group) => group === service || group.startsWith(`${service}-`)),
  );
  for (const instance of restarted.flatMap(instancesOf)) {
    await stopPartOfStack(instance.part);
    await startServiceReady(instance, testDirs, 60_000);
  }
  return restarted;
}

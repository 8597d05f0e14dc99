import { backoffDelay } from '@microshop/platform/pure';

/**
 * The connector watchdog's rule, pure: a connector whose connector or task is FAILED is restarted
 * (failed units only), at once the first time, then after a wait that doubles with every restart that
 * did not hold, up to a cap; it counts as healthy again once it has run `healthyAfterMs` without
 * failing. A PAUSED or STOPPED connector is an operator's choice and left alone.
 */

export interface UnitState {
  /** `connector` or `task 0`, `task 1`, … */
  unit: string;
  state: string;
  /** The first line of Connect's stack trace, when it failed. */
  trace?: string | undefined;
}

export interface ObservedConnector {
  name: string;
  units: readonly UnitState[];
}

/** What the watchdog remembers of a connector between passes. */
export interface Remembered {
  /** Restarts since the connector was last healthy. */
  restarts: number;
  lastRestartAt: number;
}

export interface WatchdogPolicy {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Running this long after the last restart resets the count. */
  healthyAfterMs: number;
}

export interface Restart {
  connector: string;
  failed: UnitState[];
  /** 1 for the first restart since the connector was healthy. */
  attempt: number;
}

export interface WatchdogDecision {
  restarts: Restart[];
  /** Failed connectors left alone this pass because their backoff has not run out. */
  waiting: { connector: string; restartInMs: number }[];
  memory: Map<string, Remembered>;
}

export function decideRestarts(
  observed: readonly ObservedConnector[],
  memory: ReadonlyMap<string, Remembered>,
  now: number,
  policy: WatchdogPolicy,
): WatchdogDecision {
  const decision: WatchdogDecision = { restarts: [], waiting: [], memory: new Map() };
  for (const connector of observed) {
    const seen = memory.get(connector.name);
    const failed = connector.units.filter((unit) => unit.state === 'FAILED');
    if (failed.length === 0) {
      const settled = seen === undefined || now - seen.lastRestartAt >= policy.healthyAfterMs;
      if (!settled) decision.memory.set(connector.name, seen);
      continue;
    }
    const dueAt = seen === undefined ? now : seen.lastRestartAt + waitAfter(seen.restarts, policy);
    if (now < dueAt) {
      decision.waiting.push({ connector: connector.name, restartInMs: dueAt - now });
      decision.memory.set(connector.name, seen as Remembered);
      continue;
    }
    const attempt = (seen?.restarts ?? 0) + 1;
    decision.restarts.push({ connector: connector.name, failed, attempt });
    decision.memory.set(connector.name, { restarts: attempt, lastRestartAt: now });
  }
  return decision;
}

/** The wait after the `restarts`-th restart: none before the first, then doubling (no jitter: one watchdog). */
function waitAfter(restarts: number, policy: WatchdogPolicy): number {
  if (restarts === 0) return 0;
  return backoffDelay(restarts, {
    initialMs: policy.initialBackoffMs,
    maxMs: policy.maxBackoffMs,
    random: () => 1,
  });
}

/** Whether the connector and every task of it are RUNNING. */
export function isRunning(connector: ObservedConnector): boolean {
  return connector.units.length > 1 && connector.units.every((unit) => unit.state === 'RUNNING');
}

/**
 * What an operator should do about a failure a restart cannot fix: Debezium fails this way when its
 * offset points at WAL no slot holds any more (the slot was dropped or invalidated).
 */
export function remedyFor(trace: string | undefined): string | undefined {
  if (trace?.includes('no longer available on the server')) {
    return 'the replication slot was lost: run npm run cdc -- recover (docs/operations.md)';
  }
  return undefined;
}

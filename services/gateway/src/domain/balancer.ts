/**
 * Which instance of a service gets the next request: round robin over the healthy instances,
 * with the others following as fall-backs for a connection that is refused. Also the health
 * state machine each instance goes through. Pure: the health checker and the proxy own the I/O.
 */

export interface InstanceHealth {
  healthy: boolean;
  /** Failed probes in a row; reset by a success. */
  consecutiveFailures: number;
  /** Why the instance was last taken out, for the upstreams report. */
  lastError?: string;
}

/** Every instance starts healthy: the gateway starts after its upstreams, so optimism is right. */
export const initialHealth: InstanceHealth = { healthy: true, consecutiveFailures: 0 };

/** One successful probe brings an instance back at once. */
export function afterSuccess(_state: InstanceHealth): InstanceHealth {
  return { healthy: true, consecutiveFailures: 0 };
}

/**
 * A failed probe counts; `failureThreshold` in a row take the instance out. One slow answer under
 * load then does not flap it, while a dead instance is gone within threshold × interval.
 */
export function afterProbeFailure(
  state: InstanceHealth,
  failureThreshold: number,
  error: string,
): InstanceHealth {
  const consecutiveFailures = state.consecutiveFailures + 1;
  const healthy = state.healthy && consecutiveFailures < failureThreshold;
  return { healthy, consecutiveFailures, lastError: error };
}

/**
 * A refused connection is conclusive (nothing listens there), so it takes the instance out at
 * once instead of letting every request pay for a failed connect until the next probes.
 */
export function afterConnectFailure(state: InstanceHealth, error: string): InstanceHealth {
  return { healthy: false, consecutiveFailures: Math.max(state.consecutiveFailures, 1), lastError: error };
}

/**
 * The order in which to try instances for one request: the healthy ones, rotated by `turn` so
 * that successive turns start at successive healthy instances. Unhealthy ones are never tried:
 * they are known down, and trying them would only add a connect timeout to the answer.
 */
export function tryOrder(health: readonly InstanceHealth[], turn: number): number[] {
  const healthy = health.flatMap((state, index) => (state.healthy ? [index] : []));
  if (healthy.length === 0) return [];
  const start = turn % healthy.length;
  return [...healthy.slice(start), ...healthy.slice(0, start)];
}

/** A round-robin cursor per service; wraps well before losing integer precision. */
export class RoundRobin {
  #turn = 0;

  next(health: readonly InstanceHealth[]): number[] {
    const order = tryOrder(health, this.#turn);
    this.#turn = (this.#turn + 1) % 1_000_000_007;
    return order;
  }
}

/**
 * How long the provider adapter waits between attempts of one request: exponential from
 * `initialMs`, capped at `maxMs`. Bounded by `maxAttempts`, so a provider that stays down makes the
 * handler give up (a retriable error: the consumer tries the whole event again later, and the same
 * idempotency key makes that safe). Pure: the adapter adds the jitter.
 */

export interface BackoffPolicy {
  /** Attempts of one request, the first included. */
  maxAttempts: number;
  initialMs: number;
  maxMs: number;
}

/** The waits before attempts 2…maxAttempts: `maxAttempts - 1` numbers. */
export function backoffSchedule(policy: BackoffPolicy): number[] {
  const waits: number[] = [];
  for (let attempt = 1; attempt < policy.maxAttempts; attempt++) {
    waits.push(Math.min(policy.maxMs, policy.initialMs * 2 ** (attempt - 1)));
  }
  return waits;
}

/**
 * "Equal jitter": half the wait fixed, half random, so instances retrying against a recovering
 * provider spread out without a wait ever collapsing to zero. `random` is in [0, 1).
 */
export function withJitter(waitMs: number, random: number): number {
  return Math.round(waitMs / 2 + (waitMs / 2) * random);
}

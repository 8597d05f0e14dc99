/**
 * How the carrier retries a webhook the receiver did not acknowledge with a 2xx: exponential
 * backoff with "equal jitter" (half fixed, half random), capped, for a bounded number of attempts,
 * as real carriers do (they give up after hours, the sandbox after `maxAttempts`).
 */

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Delay before the attempt after `failedAttempt` (1-based); null once every attempt is spent. */
export function nextRetryDelay(
  failedAttempt: number,
  policy: RetryPolicy,
  random: () => number,
): number | null {
  if (failedAttempt >= policy.maxAttempts) return null;
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, failedAttempt - 1));
  const half = ceiling / 2;
  return Math.round(half + half * random());
}

/**
 * The one backoff of microshop: consumers retrying a message, clients retrying a provider, the
 * carrier sandbox retrying a webhook all wait this long between attempts.
 */
export interface BackoffOptions {
  /** Delay before the second attempt; each further attempt doubles it. */
  initialMs: number;
  maxMs: number;
  /** 0..1 (Math.random by default): spreads retries of many clients so they do not hit a recovering server together. */
  random?: () => number;
}

/**
 * Delay before the attempt after `failedAttempt` (1-based): exponential, capped, with "equal jitter"
 * (half fixed, half random) so the delay never collapses to zero.
 */
export function backoffDelay(failedAttempt: number, options: BackoffOptions): number {
  const exponent = Math.max(0, failedAttempt - 1);
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** exponent);
  const random = options.random ?? Math.random;
  const half = ceiling / 2;
  return Math.round(half + half * random());
}

/**
 * The gateway's limit per client in the terms @fastify/rate-limit counts in: a fixed window per
 * client of `burst / ratePerSecond` seconds that lets `burst` requests through. On average a client
 * gets `ratePerSecond`, and a burst of `burst` at once; a refused request is told to come back when
 * its window ends (Retry-After, whole seconds, at least 1).
 *
 * Where a token bucket would refill continuously, a window starts afresh, so a client can spend a
 * burst at the end of one window and another at the start of the next: over any window's length it
 * gets at most two bursts, which is what a bucket of the same rate and burst allows as well.
 */

export interface RateLimitSettings {
  ratePerSecond: number;
  burst: number;
}

export interface RateWindow {
  /** Requests a client may send per window. */
  max: number;
  timeWindowMs: number;
}

export function rateWindow(settings: RateLimitSettings): RateWindow {
  if (!(settings.ratePerSecond > 0) || !(settings.burst >= 1)) {
    throw new RangeError('ratePerSecond must be > 0 and burst >= 1');
  }
  const max = Math.floor(settings.burst);
  return { max, timeWindowMs: Math.max(1, Math.round((max / settings.ratePerSecond) * 1000)) };
}

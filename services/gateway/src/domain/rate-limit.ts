/**
 * Token-bucket rate limiting per client. Each client's bucket holds up to `burst` tokens and
 * refills at `ratePerSecond`; a request takes one token or is refused with the time until one is
 * back. The clock is injected so tests drive time by hand.
 *
 * Memory stays bounded two ways: a bucket idle long enough to have refilled completely is
 * indistinguishable from a new one, so sweeps drop it without changing any decision; and a hard
 * cap drops the least recently seen client should a flood of distinct addresses outpace sweeps.
 */

export interface RateLimiterOptions {
  ratePerSecond: number;
  burst: number;
  /** Milliseconds; `Date.now` in production, a counter in tests. */
  now: () => number;
  /** Most clients tracked at once; default 100 000. */
  maxClients?: number;
}

export type RateDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #maxClients: number;
  /** Insertion order is recency order: `take` moves a client to the end. */
  readonly #buckets = new Map<string, Bucket>();
  /** How long an idle bucket takes to fill up again, and so how often a sweep is worth it. */
  readonly #refillMs: number;
  #lastSweep: number;

  constructor(options: RateLimiterOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) {
      throw new RangeError('ratePerSecond must be > 0 and burst >= 1');
    }
    this.#rate = options.ratePerSecond;
    this.#burst = options.burst;
    this.#now = options.now;
    this.#maxClients = options.maxClients ?? 100_000;
    this.#refillMs = (this.#burst / this.#rate) * 1000;
    this.#lastSweep = this.#now();
  }

  /** Takes one token from `client`'s bucket if it has one. */
  take(client: string): RateDecision {
    const now = this.#now();
    if (now - this.#lastSweep >= this.#refillMs) this.sweep();
    const bucket = this.#refilled(client, now);
    this.#buckets.delete(client);
    this.#buckets.set(client, bucket);
    if (this.#buckets.size > this.#maxClients) this.#dropLeastRecent();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.#rate));
    return { allowed: false, retryAfterSeconds };
  }

  /** Drops every bucket that is full again; returns how many were dropped. */
  sweep(): number {
    const now = this.#now();
    this.#lastSweep = now;
    let dropped = 0;
    for (const [client, bucket] of this.#buckets) {
      if (this.#tokensAt(bucket, now) >= this.#burst) {
        this.#buckets.delete(client);
        dropped++;
      }
    }
    return dropped;
  }

  /** Clients currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  #refilled(client: string, now: number): Bucket {
    const bucket = this.#buckets.get(client);
    if (bucket === undefined) return { tokens: this.#burst, updatedAt: now };
    return { tokens: this.#tokensAt(bucket, now), updatedAt: now };
  }

  #tokensAt(bucket: Bucket, now: number): number {
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    return Math.min(this.#burst, bucket.tokens + elapsedSeconds * this.#rate);
  }

  #dropLeastRecent(): void {
    const oldest = this.#buckets.keys().next();
    if (oldest.done !== true) this.#buckets.delete(oldest.value);
  }
}

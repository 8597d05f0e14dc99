import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from '../src/domain/rate-limit.ts';

function givenLimiter(options: { ratePerSecond: number; burst: number; maxClients?: number }) {
  const clock = { now: 1_000_000 };
  const limiter = new RateLimiter({ ...options, now: () => clock.now });
  return { limiter, clock };
}

function takeMany(limiter: RateLimiter, client: string, count: number): boolean[] {
  return Array.from({ length: count }, () => limiter.take(client).allowed);
}

describe('token bucket rate limiter', () => {
  it('lets a burst through and refuses the request after it', () => {
    const { limiter } = givenLimiter({ ratePerSecond: 10, burst: 3 });
    assert.deepEqual(takeMany(limiter, 'a', 4), [true, true, true, false]);
  });

  it('says how many whole seconds until a token is back', () => {
    const { limiter } = givenLimiter({ ratePerSecond: 0.5, burst: 1 });
    limiter.take('a');
    assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 2 });
  });

  it('never asks to retry after less than one second', () => {
    const { limiter } = givenLimiter({ ratePerSecond: 1000, burst: 1 });
    limiter.take('a');
    assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 1 });
  });

  it('refills at the configured rate', () => {
    const { limiter, clock } = givenLimiter({ ratePerSecond: 10, burst: 2 });
    takeMany(limiter, 'a', 2);
    clock.now += 100;
    assert.deepEqual(takeMany(limiter, 'a', 2), [true, false]);
  });

  it('never refills beyond the burst', () => {
    const { limiter, clock } = givenLimiter({ ratePerSecond: 10, burst: 2 });
    limiter.take('a');
    clock.now += 60_000;
    assert.deepEqual(takeMany(limiter, 'a', 3), [true, true, false]);
  });

  it('keeps one bucket per client', () => {
    const { limiter } = givenLimiter({ ratePerSecond: 1, burst: 1 });
    assert.equal(limiter.take('a').allowed, true);
    assert.equal(limiter.take('a').allowed, false);
    assert.equal(limiter.take('b').allowed, true);
  });

  it('evicts the buckets of clients idle long enough to be full again', () => {
    const { limiter, clock } = givenLimiter({ ratePerSecond: 10, burst: 10 });
    for (let i = 0; i < 50; i++) limiter.take(`client-${i}`);
    assert.equal(limiter.size, 50);
    clock.now += 1000;
    limiter.take('fresh');
    assert.equal(limiter.size, 1);
  });

  it('keeps the bucket of a client that is still limited', () => {
    const { limiter, clock } = givenLimiter({ ratePerSecond: 1, burst: 2 });
    takeMany(limiter, 'busy', 2);
    clock.now += 500;
    assert.equal(limiter.sweep(), 0);
    assert.equal(limiter.take('busy').allowed, false);
  });

  it('drops the least recently seen client beyond the cap', () => {
    const { limiter } = givenLimiter({ ratePerSecond: 1, burst: 1, maxClients: 2 });
    limiter.take('a');
    limiter.take('b');
    limiter.take('a');
    limiter.take('c');
    assert.equal(limiter.size, 2);
    assert.equal(limiter.take('a').allowed, false, 'a was seen recently, so it was kept');
    assert.equal(limiter.take('b').allowed, true, 'b was dropped, so it starts with a full bucket');
  });

  it('refuses a rate or burst that could never let a request through', () => {
    assert.throws(() => new RateLimiter({ ratePerSecond: 0, burst: 1, now: Date.now }), RangeError);
    assert.throws(() => new RateLimiter({ ratePerSecond: 1, burst: 0, now: Date.now }), RangeError);
  });
});

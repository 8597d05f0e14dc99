import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../src/errors.ts';
import { backoffDelay, classifyFailure, errorCode, isRetriable, sleep } from '../src/kafka/retry.ts';

describe('backoffDelay', () => {
  const fixed = (random: number) => ({ initialMs: 100, maxMs: 1_000, random: () => random });

  it('doubles the delay ceiling after each failed attempt', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((attempt) => backoffDelay(attempt, fixed(1))),
      [100, 200, 400, 800],
    );
  });

  it('never exceeds the maximum delay however many attempts failed', () => {
    assert.equal(backoffDelay(30, fixed(1)), 1_000);
  });

  it('keeps at least half of the ceiling so jitter never removes the wait', () => {
    assert.equal(backoffDelay(3, fixed(0)), 200);
    const jittered = backoffDelay(3, fixed(0.5));
    assert.equal(jittered, 300);
  });
});

describe('isRetriable', () => {
  it('treats an error flagged retriable: false as final', () => {
    assert.equal(isRetriable(Object.assign(new Error('bad'), { retriable: false })), false);
  });

  it("honours the kit's AppError codes: a validation failure is final, a concurrent update is retried", () => {
    assert.equal(isRetriable(new AppError('VALIDATION_FAILED', 'quantity must be positive')), false);
    assert.equal(isRetriable(new AppError('CONCURRENT_UPDATE', 'serialization failure')), true);
  });

  it('treats a schema validation (zod) error as final', () => {
    const zodLike = Object.assign(new Error('invalid'), { name: 'ZodError' });
    assert.equal(isRetriable(zodLike), false);
  });

  it('gives unknown errors and thrown non-errors the benefit of the doubt', () => {
    assert.equal(isRetriable(new Error('connection reset')), true);
    assert.equal(isRetriable('a string'), true);
    assert.equal(isRetriable(Object.assign(new Error('x'), { retriable: true })), true);
  });
});

describe('classifyFailure', () => {
  it('a dependency that is down is waited out: lost database connections, provider outages, broker and socket failures', () => {
    const pgDown = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), {
      code: 'ECONNREFUSED',
    });
    const fetchFailed = new TypeError('fetch failed', { cause: refused });
    const kafka = Object.assign(new Error('Connection closed'), { code: 'PLT_KFK_NETWORK', canRetry: true });
    for (const error of [
      pgDown,
      refused,
      fetchFailed,
      kafka,
      new Error('Connection terminated unexpectedly'),
      new AppError('UPSTREAM_UNAVAILABLE', 'payment provider answered 503'),
      new AppError('TIMEOUT', 'carrier did not answer within 5000 ms'),
      new AppError('BAD_GATEWAY', 'provider answered garbage'),
      Object.assign(new Error('The operation timed out'), { name: 'TimeoutError' }),
    ]) {
      assert.equal(classifyFailure(error), 'unavailable', String(error));
    }
  });

  it('work that succeeds when run again is transient; schema and business refusals are permanent', () => {
    assert.equal(classifyFailure(new AppError('CONCURRENT_UPDATE', 'deadlock')), 'transient');
    assert.equal(
      classifyFailure(Object.assign(new Error('deadlock detected'), { code: '40P01' })),
      'transient',
    );
    assert.equal(classifyFailure(new AppError('VALIDATION_FAILED', 'bad order')), 'permanent');
    assert.equal(classifyFailure(Object.assign(new Error('invalid'), { name: 'ZodError' })), 'permanent');
  });

  it('anything else is unknown: retried a few times, then dead-lettered', () => {
    assert.equal(
      classifyFailure(new TypeError("Cannot read properties of undefined (reading 'id')")),
      'unknown',
    );
    assert.equal(classifyFailure('a string'), 'unknown');
    const kafkaFatal = Object.assign(new Error('Unsupported version'), {
      code: 'PLT_KFK_PROTOCOL',
      canRetry: false,
    });
    assert.equal(classifyFailure(kafkaFatal), 'unknown');
  });
});

describe('errorCode', () => {
  it("uses the error's code, else its class name, else UNKNOWN", () => {
    assert.equal(errorCode(new AppError('NOT_FOUND', 'no such order')), 'NOT_FOUND');
    assert.equal(errorCode(new TypeError('x')), 'TypeError');
    assert.equal(errorCode(42), 'UNKNOWN');
  });
});

describe('sleep', () => {
  it('resolves false at once when its signal aborts, so shutdown does not wait out a backoff', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const slept = sleep(10_000, controller.signal);
    controller.abort();
    assert.equal(await slept, false);
    assert.ok(Date.now() - started < 1_000);
  });

  it('resolves true when the time is up', async () => {
    assert.equal(await sleep(5, new AbortController().signal), true);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rateWindow } from '../src/domain/rate-limit.ts';

describe('the rate limit as a window', () => {
  it('lets the burst through per window, the window as long as the rate takes to allow the burst', () => {
    assert.deepEqual(rateWindow({ ratePerSecond: 200, burst: 400 }), { max: 400, timeWindowMs: 2000 });
    assert.deepEqual(rateWindow({ ratePerSecond: 10, burst: 3 }), { max: 3, timeWindowMs: 300 });
    assert.deepEqual(rateWindow({ ratePerSecond: 0.5, burst: 1 }), { max: 1, timeWindowMs: 2000 });
  });

  it('keeps the average rate: a window never shorter than a millisecond', () => {
    assert.deepEqual(rateWindow({ ratePerSecond: 1_000_000, burst: 1 }), { max: 1, timeWindowMs: 1 });
  });

  it('refuses a rate or burst that could never let a request through', () => {
    assert.throws(() => rateWindow({ ratePerSecond: 0, burst: 1 }), RangeError);
    assert.throws(() => rateWindow({ ratePerSecond: 1, burst: 0 }), RangeError);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bucketsOf, funnelOf, windowOf } from '../src/domain/order-stats.ts';

describe('order statistics', () => {
  test('a window starts on a whole bucket and lists every bucket, empty ones as zero', () => {
    const window = windowOf('15m', new Date('2025-01-01T10:15:30.000Z'));
    assert.equal(window.from.toISOString(), '2025-01-01T10:00:00.000Z');
    const buckets = bucketsOf(window, [
      { at: new Date('2025-01-01T10:03:00.000Z'), status: 'CREATED', count: 2 },
      { at: new Date('2025-01-01T09:59:00.000Z'), status: 'CREATED', count: 9 },
    ]);
    assert.equal(buckets.length, 16);
    assert.deepEqual(buckets[3], { at: '2025-01-01T10:03:00.000Z', counts: { CREATED: 2 } });
    assert.deepEqual(buckets[0]?.counts, {});
  });

  test('the funnel lists every stage in order, an unreached one as zero', () => {
    assert.deepEqual(
      funnelOf(
        new Map([
          ['CREATED', 3],
          ['FAILED', 1],
          ['VALIDATED', 2],
        ]),
      ).map((s) => s.orders),
      [3, 2, 0, 0, 0],
    );
  });
});

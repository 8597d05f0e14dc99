import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PartitionPosition, planReset } from '../src/domain/offset-reset.ts';

const positions: PartitionPosition[] = [
  { partition: 0, start: 10n, end: 50n, committed: 30n, atTime: 40n },
  { partition: 1, start: 0n, end: 20n, committed: null, atTime: 20n },
];

const plan = (target: Parameters<typeof planReset>[0]) => {
  const result = planReset(target, positions);
  assert.ok(result.ok);
  return result.partitions.map((p) => [p.partition, p.next, p.replayed, p.skipped]);
};

describe('planning an offset reset', () => {
  it('moves every partition to the start, the end or a time, counting what is replayed or skipped', () => {
    assert.deepEqual(plan({ kind: 'earliest' }), [
      [0, 10n, 20n, 0n],
      [1, 0n, 0n, 0n],
    ]);
    assert.deepEqual(plan({ kind: 'latest' }), [
      [0, 50n, 0n, 20n],
      [1, 20n, 0n, 20n],
    ]);
    assert.deepEqual(plan({ kind: 'timestamp', timestamp: '2026-01-01T00:00:00Z' }), [
      [0, 40n, 0n, 10n],
      [1, 20n, 0n, 20n],
    ]);
  });

  it('moves only the partitions named, within the log, each once', () => {
    assert.deepEqual(plan({ kind: 'offsets', offsets: [{ partition: 0, offset: 25n }] }), [[0, 25n, 5n, 0n]]);
    assert.deepEqual(planReset({ kind: 'offsets', offsets: [{ partition: 0, offset: 5n }] }, positions), {
      ok: false,
      field: 'offsets[0].offset',
      message: 'must be between 10 and 50 (the log start and end)',
    });
    const twice = planReset(
      {
        kind: 'offsets',
        offsets: [
          { partition: 1, offset: 1n },
          { partition: 1, offset: 2n },
        ],
      },
      positions,
    );
    assert.deepEqual(twice.ok ? null : twice.field, 'offsets[1].partition');
    const none = planReset({ kind: 'offsets', offsets: [{ partition: 7, offset: 1n }] }, positions);
    assert.deepEqual(none.ok ? null : none.field, 'offsets[0].partition');
  });
});

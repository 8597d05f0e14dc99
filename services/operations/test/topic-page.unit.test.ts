import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BrowsedRecord,
  formatCursor,
  matches,
  mergeBackward,
  mergeForward,
  parseCursor,
} from '../src/domain/topic-page.ts';

function record(
  partition: number,
  offset: number,
  timestamp: number,
  extra: Partial<BrowsedRecord> = {},
): BrowsedRecord {
  return {
    partition,
    offset: BigInt(offset),
    timestamp: BigInt(timestamp),
    key: null,
    value: null,
    headers: [],
    ...extra,
  };
}

describe('topic paging', () => {
  it('writes and reads a cursor, and refuses a malformed one', () => {
    const cursor = parseCursor('1:20,0:5');
    assert.ok(cursor);
    assert.equal(formatCursor(cursor), '0:5,1:20');
    assert.equal(parseCursor('0:x'), null);
    assert.equal(parseCursor('')?.size, 0);
  });

  it('merges partitions by time and moves only the partitions it took from', () => {
    const runs = new Map([
      [0, [record(0, 5, 100), record(0, 6, 300)]],
      [1, [record(1, 20, 200), record(1, 21, 400)]],
      [2, [record(2, 9, 500)]],
    ]);
    const from = new Map([
      [0, 5n],
      [1, 20n],
      [2, 9n],
    ]);
    const page = mergeForward(from, runs, 3);
    assert.deepEqual(
      page.records.map((r) => `${r.partition}:${r.offset}`),
      ['0:5', '1:20', '0:6'],
    );
    assert.equal(formatCursor(page.next), '0:7,1:21,2:9');
  });

  it('finds the cursor of the previous page, from which reading forward gives it', () => {
    const before = new Map([
      [0, [record(0, 3, 10), record(0, 4, 40)]],
      [1, [record(1, 18, 20), record(1, 19, 30)]],
    ]);
    const to = new Map([
      [0, 5n],
      [1, 20n],
    ]);
    const start = mergeBackward(to, before, 2);
    assert.equal(formatCursor(start), '0:4,1:19');
    const again = mergeForward(
      start,
      new Map([
        [0, [record(0, 4, 40)]],
        [1, [record(1, 19, 30)]],
      ]),
      2,
    );
    assert.deepEqual(
      again.records.map((r) => `${r.partition}:${r.offset}`),
      ['1:19', '0:4'],
    );
    assert.equal(formatCursor(again.next), formatCursor(to));
  });

  it('filters on key, header, event type and a JSON field', () => {
    const r = record(0, 1, 1, {
      key: Buffer.from('customer-42'),
      headers: [['type', Buffer.from('OrderCreated')]],
    });
    const json = { type: 'OrderCreated', order: { status: 'CREATED' } };
    assert.equal(matches(r, json, { key: '42' }), true);
    assert.equal(matches(r, json, { key: '43' }), false);
    assert.equal(matches(r, json, { header: 'type=OrderCreated' }), true);
    assert.equal(matches(r, json, { header: 'type=OrderShipped' }), false);
    assert.equal(matches(r, json, { type: 'OrderCreated' }), true);
    assert.equal(matches(r, json, { field: 'order.status=CREATED' }), true);
    assert.equal(matches(r, json, { field: 'order.status=SHIPPED' }), false);
  });
});

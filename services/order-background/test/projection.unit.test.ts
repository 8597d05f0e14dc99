import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OrderStatus } from '@microshop/contracts';
import { project, sortTimeline, versionOf } from '../src/domain/projection.ts';
import { isNewer, statusRank } from '../src/domain/status.ts';
import { orderEvent, orderHistory } from './fixtures.ts';

describe('project', () => {
  test('the first event of an order becomes its snapshot, its first timeline entry and a CREATED deadline', () => {
    const event = orderEvent('CREATED', { at: new Date('2025-03-01T10:00:00Z') });

    const projection = project(event, event.id, null);

    assert.deepEqual(projection.timeline, {
      orderId: event.orderId,
      status: 'CREATED',
      rank: 0,
      at: new Date('2025-03-01T10:00:00Z'),
      reasons: [],
      eventId: event.id,
    });
    assert.deepEqual(projection.snapshot, event.order);
    assert.deepEqual(projection.deadline, {
      kind: 'open',
      status: 'CREATED',
      enteredAt: new Date('2025-03-01T10:00:00Z'),
    });
  });

  test('a later status replaces the snapshot and moves the deadline to VALIDATED', () => {
    const [created, validated] = orderHistory(['CREATED', 'VALIDATED']);
    assert.ok(created && validated);

    const projection = project(validated, validated.id, versionOf(created.order));

    assert.equal(projection.snapshot?.status, 'VALIDATED');
    assert.deepEqual(projection.deadline, {
      kind: 'open',
      status: 'VALIDATED',
      enteredAt: new Date(validated.order.updatedAt),
    });
  });

  test('an older snapshot replayed after a newer one adds its timeline entry but overwrites nothing', () => {
    const [created, , approved] = orderHistory(['CREATED', 'VALIDATED', 'APPROVED']);
    assert.ok(created && approved);

    const projection = project(created, created.id, versionOf(approved.order));

    assert.equal(projection.timeline.status, 'CREATED');
    assert.equal(projection.snapshot, null);
    assert.deepEqual(projection.deadline, { kind: 'keep' });
  });

  for (const status of ['APPROVED', 'SHIPPED', 'DELIVERED', 'FAILED', 'CANCELLED'] as const) {
    test(`an order reaching ${status} has its pending deadlines cleared`, () => {
      const event = orderEvent(status, { reasons: status === 'FAILED' ? ['PAYMENT_DECLINED'] : [] });

      const projection = project(event, event.id, { status: 'VALIDATED', updatedAtMs: 0 });

      assert.deepEqual(projection.deadline, { kind: 'clear' });
      assert.equal(projection.snapshot?.status, status);
    });
  }

  test('the reasons of a failed order are kept on its timeline entry', () => {
    const event = orderEvent('FAILED', { reasons: ['INVENTORY: JUMPERS out of stock'] });

    assert.deepEqual(project(event, event.id, null).timeline.reasons, ['INVENTORY: JUMPERS out of stock']);
  });
});

describe('isNewer', () => {
  test('a higher status wins even when its clock says it is older', () => {
    assert.equal(
      isNewer({ status: 'APPROVED', updatedAtMs: 1 }, { status: 'VALIDATED', updatedAtMs: 9 }),
      true,
    );
    assert.equal(
      isNewer({ status: 'VALIDATED', updatedAtMs: 9 }, { status: 'APPROVED', updatedAtMs: 1 }),
      false,
    );
  });

  test('within one status only a strictly later update is newer, so a replay of the same snapshot is not', () => {
    assert.equal(isNewer({ status: 'CREATED', updatedAtMs: 2 }, { status: 'CREATED', updatedAtMs: 1 }), true);
    assert.equal(
      isNewer({ status: 'CREATED', updatedAtMs: 1 }, { status: 'CREATED', updatedAtMs: 1 }),
      false,
    );
  });
});

describe('statusRank', () => {
  // The brief's status machine: every transition must go up in rank, or "newer" would be wrong.
  const transitions: [OrderStatus, OrderStatus][] = [
    ['CREATED', 'VALIDATED'],
    ['VALIDATED', 'APPROVED'],
    ['APPROVED', 'SHIPPED'],
    ['SHIPPED', 'DELIVERED'],
    ['CREATED', 'FAILED'],
    ['VALIDATED', 'FAILED'],
    ['CREATED', 'CANCELLED'],
    ['VALIDATED', 'CANCELLED'],
    ['APPROVED', 'CANCELLED'],
  ];
  for (const [from, to] of transitions) {
    test(`${to} ranks above ${from}`, () => {
      assert.ok(statusRank(to) > statusRank(from));
    });
  }
});

describe('sortTimeline', () => {
  test('entries follow the status machine even when the writers’ clocks disagree', () => {
    const rows = [
      { status: 'APPROVED', rank: 2, at: new Date('2025-03-01T10:00:01Z') },
      { status: 'CREATED', rank: 0, at: new Date('2025-03-01T10:00:05Z') },
      { status: 'VALIDATED', rank: 1, at: new Date('2025-03-01T10:00:03Z') },
    ];

    assert.deepEqual(
      sortTimeline(rows).map((row) => row.status),
      ['CREATED', 'VALIDATED', 'APPROVED'],
    );
  });
});

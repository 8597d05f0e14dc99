import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OrderEvent, OrderStatus } from '@microshop/contracts';
import {
  decide,
  evolve,
  type ProjectionEvent,
  type ProjectionState,
  sortTimeline,
  versionOf,
} from '../src/domain/projection.ts';
import { isNewer, statusRank } from '../src/domain/status.ts';
import { orderEvent, orderHistory } from './fixtures.ts';

/** What the handler asks the projection for one event, with the event's own id as its inbox id. */
function project(event: OrderEvent, state: ProjectionState): ProjectionEvent[] {
  return decide({ type: 'ProjectOrderEvent', event, eventId: event.id }, state);
}

describe('decide of the projection', () => {
  test('the first event of an order becomes its first timeline entry, its snapshot and a CREATED deadline', () => {
    const event = orderEvent('CREATED', { at: new Date('2025-03-01T10:00:00Z') });

    assert.deepEqual(project(event, null), [
      {
        type: 'StatusReached',
        entry: {
          orderId: event.orderId,
          status: 'CREATED',
          rank: 0,
          at: new Date('2025-03-01T10:00:00Z'),
          reasons: [],
          eventId: event.id,
        },
      },
      { type: 'SnapshotUpdated', order: event.order },
      {
        type: 'DeadlineOpened',
        orderId: event.orderId,
        status: 'CREATED',
        enteredAt: new Date('2025-03-01T10:00:00Z'),
      },
    ]);
  });

  test('a later status replaces the snapshot and moves the deadline to VALIDATED', () => {
    const [created, validated] = orderHistory(['CREATED', 'VALIDATED']);
    assert.ok(created && validated);

    const [, snapshot, deadline] = project(validated, versionOf(created.order));

    assert.equal(snapshot?.type === 'SnapshotUpdated' && snapshot.order.status, 'VALIDATED');
    assert.deepEqual(deadline, {
      type: 'DeadlineOpened',
      orderId: validated.orderId,
      status: 'VALIDATED',
      enteredAt: new Date(validated.order.updatedAt),
    });
  });

  test('an older snapshot replayed after a newer one adds its timeline entry but overwrites nothing', () => {
    const [created, , approved] = orderHistory(['CREATED', 'VALIDATED', 'APPROVED']);
    assert.ok(created && approved);

    const events = project(created, versionOf(approved.order));

    assert.deepEqual(
      events.map((event) => event.type),
      ['StatusReached'],
    );
    assert.equal(events[0]?.type === 'StatusReached' && events[0].entry.status, 'CREATED');
  });

  for (const status of ['APPROVED', 'SHIPPED'] as const) {
    test(`an order reaching ${status} gets a ${status} deadline in place of its pending one`, () => {
      const event = orderEvent(status);

      const [, snapshot, deadline] = project(event, { status: 'VALIDATED', updatedAtMs: 0 });

      assert.deepEqual(deadline, {
        type: 'DeadlineOpened',
        orderId: event.orderId,
        status,
        enteredAt: new Date(event.order.updatedAt),
      });
      assert.equal(snapshot?.type === 'SnapshotUpdated' && snapshot.order.status, status);
    });
  }

  for (const status of ['DELIVERED', 'FAILED', 'CANCELLED'] as const) {
    test(`an order reaching ${status} has its pending deadlines cleared (and any flag resolved)`, () => {
      const event = orderEvent(status, { reasons: status === 'FAILED' ? ['PAYMENT_DECLINED'] : [] });

      const [, snapshot, deadline] = project(event, { status: 'VALIDATED', updatedAtMs: 0 });

      assert.deepEqual(deadline, {
        type: 'DeadlinesCleared',
        orderId: event.orderId,
        status,
        at: new Date(event.order.updatedAt),
      });
      assert.equal(snapshot?.type === 'SnapshotUpdated' && snapshot.order.status, status);
    });
  }

  test('the reasons of a failed order are kept on its timeline entry', () => {
    const event = orderEvent('FAILED', { reasons: ['INVENTORY: JUMPERS out of stock'] });

    const [reached] = project(event, null);

    assert.deepEqual(reached?.type === 'StatusReached' && reached.entry.reasons, [
      'INVENTORY: JUMPERS out of stock',
    ]);
  });
});

describe('evolve of the projection', () => {
  test('the stored version follows the snapshot, so a replay of the same event changes only the timeline', () => {
    const event = orderEvent('CREATED');
    const state = project(event, null).reduce(evolve, null);

    assert.deepEqual(state, versionOf(event.order));
    assert.deepEqual(
      project(event, state).map((change) => change.type),
      ['StatusReached'],
    );
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
  // The order status machine: every transition must go up in rank, or "newer" would be wrong.
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

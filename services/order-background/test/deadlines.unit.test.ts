import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expireOrderCommandSchema } from '@microshop/contracts';
import {
  type Deadlines,
  deadlineFor,
  dueForAttention,
  dueForExpiry,
  enteredBefore,
  type WatchedOrder,
} from '../src/domain/deadlines.ts';

const deadlines: Deadlines = { CREATED: 60_000, VALIDATED: 120_000, APPROVED: 600_000, SHIPPED: 86_400_000 };
const entered = new Date('2025-03-01T10:00:00.000Z');
const after = (ms: number) => new Date(entered.getTime() + ms);

function ids(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

function watched(
  status: WatchedOrder['status'],
  orderId = '11111111-1111-4111-8111-111111111111',
): WatchedOrder {
  return { orderId, status, enteredAt: entered, pausedMs: 0 };
}

describe('deadlineFor', () => {
  test('each watched status gets its own allowance from the time the order entered it', () => {
    assert.deepEqual(deadlineFor('CREATED', entered, deadlines), after(60_000));
    assert.deepEqual(deadlineFor('VALIDATED', entered, deadlines), after(120_000));
    assert.deepEqual(deadlineFor('APPROVED', entered, deadlines), after(600_000));
    assert.deepEqual(deadlineFor('SHIPPED', entered, deadlines), after(86_400_000));
  });

  test('enteredBefore is the latest entry time that is due now', () => {
    const now = after(90_000);
    assert.deepEqual(enteredBefore('CREATED', now, deadlines), after(30_000));
    assert.deepEqual(deadlineFor('CREATED', enteredBefore('CREATED', now, deadlines), deadlines), now);
  });
});

describe('dueForExpiry', () => {
  test('an order past its CREATED deadline gets one ExpireOrder command naming the status it must still be in', () => {
    const commands = dueForExpiry([watched('CREATED')], after(61_000), deadlines, ids());

    assert.deepEqual(commands, [
      {
        id: '00000000-0000-4000-8000-000000000001',
        type: 'ExpireOrder',
        occurredAt: after(61_000).toISOString(),
        source: 'order-background',
        orderId: '11111111-1111-4111-8111-111111111111',
        expectedStatus: 'CREATED',
        reason: 'TIMEOUT',
        deadlineAt: after(60_000).toISOString(),
      },
    ]);
    assert.doesNotThrow(() => expireOrderCommandSchema.parse(commands[0]));
  });

  test('a deadline that is exactly now has passed; one a millisecond ahead has not', () => {
    assert.equal(dueForExpiry([watched('CREATED')], after(60_000), deadlines, ids()).length, 1);
    assert.equal(dueForExpiry([watched('CREATED')], after(59_999), deadlines, ids()).length, 0);
  });

  test('time the event flow was paused does not count: the deadline moves by the pause', () => {
    const paused = { ...watched('CREATED'), pausedMs: 45_000 };

    assert.equal(dueForExpiry([paused], after(104_999), deadlines, ids()).length, 0);
    const commands = dueForExpiry([paused], after(105_000), deadlines, ids());
    assert.deepEqual(
      commands.map((command) => command.deadlineAt),
      [after(105_000).toISOString()],
    );
  });

  test('a VALIDATED order is given the longer VALIDATED allowance', () => {
    const rows = [
      watched('CREATED', '11111111-1111-4111-8111-111111111111'),
      watched('VALIDATED', '22222222-2222-4222-8222-222222222222'),
    ];

    const atNinetySeconds = dueForExpiry(rows, after(90_000), deadlines, ids());
    const atThreeMinutes = dueForExpiry(rows, after(180_000), deadlines, ids());

    assert.deepEqual(
      atNinetySeconds.map((c) => c.expectedStatus),
      ['CREATED'],
    );
    assert.deepEqual(
      atThreeMinutes.map((c) => [c.expectedStatus, c.deadlineAt]),
      [
        ['CREATED', after(60_000).toISOString()],
        ['VALIDATED', after(120_000).toISOString()],
      ],
    );
  });

  test('nothing watched means no commands', () => {
    assert.deepEqual(dueForExpiry([], after(1e9), deadlines, ids()), []);
  });

  test('an APPROVED order past its deadline is expired too (the orders service cancels it); a SHIPPED one never is', () => {
    const rows = [
      watched('APPROVED', '11111111-1111-4111-8111-111111111111'),
      watched('SHIPPED', '22222222-2222-4222-8222-222222222222'),
    ];

    const commands = dueForExpiry(rows, after(1e9), deadlines, ids());

    assert.deepEqual(
      commands.map((c) => [c.orderId, c.expectedStatus, c.reason, c.deadlineAt]),
      [['11111111-1111-4111-8111-111111111111', 'APPROVED', 'TIMEOUT', after(600_000).toISOString()]],
    );
  });
});

describe('dueForAttention', () => {
  test('a SHIPPED order past its deadline is flagged with a reason; earlier statuses are expired, not flagged', () => {
    const rows = [watched('SHIPPED'), watched('APPROVED', '22222222-2222-4222-8222-222222222222')];

    assert.deepEqual(dueForAttention(rows, after(86_399_999), deadlines), []);
    assert.deepEqual(dueForAttention(rows, after(86_400_000), deadlines), [
      {
        orderId: '11111111-1111-4111-8111-111111111111',
        status: 'SHIPPED',
        reason: 'NO_DELIVERY_REPORTED',
        detail: `SHIPPED since ${entered.toISOString()}; no delivery reported by ${after(86_400_000).toISOString()}`,
        since: entered,
        deadlineAt: after(86_400_000),
      },
    ]);
  });
});

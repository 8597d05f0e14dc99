import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type OrderItem, type OrderStatus, orderStatuses } from '@microshop/contracts';
import { type Decision, decide, type OrderCommand } from '../src/domain/decide.ts';
import { InvalidTransitionError, OrderDomainError } from '../src/domain/errors.ts';
import { evolve, fold, initialState, type OrderDomainEvent, type OrderState } from '../src/domain/order.ts';
import { canTransition } from '../src/domain/status.ts';

const orderId = '0b7d8a55-1e2f-4a3b-8c9d-0e1f2a3b4c5d';
const customerId = '6f1c2f7e-3b0a-4c51-9a43-2d5b8f1e0c11';
const createdAt = new Date('2025-03-01T12:00:00.000Z');
const now = new Date('2025-03-01T12:05:00.000Z');
const at = now.toISOString();

const reference = 'pm_orderReference00000000000000';
const request = (items: readonly OrderItem[] = [{ sku: 'JUMPERS', quantity: 2, unitPrice: 2500 }]) => ({
  customerId,
  items,
  currency: 'EUR',
  payment: { reference },
});
const create = (items?: readonly OrderItem[]): OrderCommand => ({
  type: 'CreateOrder',
  orderId,
  request: request(items),
  now: createdAt,
});

// ---- given / when / then --------------------------------------------------------------------------

const created = (): OrderDomainEvent => {
  const decision = decide(create(), initialState);
  assert.equal(decision.outcome, 'applied');
  return (decision as { events: readonly OrderDomainEvent[] }).events[0] as OrderDomainEvent;
};
const change = (
  type: 'OrderValidated' | 'OrderApproved' | 'OrderShipped' | 'OrderDelivered',
): OrderDomainEvent => ({
  type,
  orderId,
  at: createdAt.toISOString(),
});
/** The events that bring an order to `status` along the shortest path of the status machine. */
function historyTo(status: OrderStatus): OrderDomainEvent[] {
  const path: Record<OrderStatus, OrderDomainEvent[]> = {
    CREATED: [],
    VALIDATED: [change('OrderValidated')],
    APPROVED: [change('OrderValidated'), change('OrderApproved')],
    SHIPPED: [change('OrderValidated'), change('OrderApproved'), change('OrderShipped')],
    DELIVERED: [
      change('OrderValidated'),
      change('OrderApproved'),
      change('OrderShipped'),
      change('OrderDelivered'),
    ],
    FAILED: [{ type: 'OrderFailed', orderId, at: createdAt.toISOString(), reasons: ['INVENTORY'] }],
    CANCELLED: [{ type: 'OrderCancelled', orderId, at: createdAt.toISOString(), reasons: [] }],
  };
  return [created(), ...path[status]];
}
const given = (status: OrderStatus | null) => {
  const state: OrderState = status === null ? initialState : fold(initialState, historyTo(status));
  return { when: (command: OrderCommand) => ({ state, decision: decide(command, state) }) };
};
function thenEvents(decision: Decision): readonly OrderDomainEvent[] {
  assert.equal(decision.outcome, 'applied', JSON.stringify(decision));
  return decision.outcome === 'applied' ? decision.events : [];
}
function thenIgnored(decision: Decision, reason: string): void {
  assert.deepEqual(decision.outcome === 'ignored' && [decision.events, decision.reason], [[], reason]);
}
function thenRejected(decision: Decision, code: string): OrderDomainError {
  assert.equal(decision.outcome, 'rejected', JSON.stringify(decision));
  const error = (decision as { error: OrderDomainError }).error;
  assert.ok(error instanceof OrderDomainError);
  assert.equal(error.code, code);
  return error;
}

const validated = (): OrderCommand => ({
  type: 'ApplyValidationDecision',
  message: { type: 'OrderValidated', orderId },
  now,
});
const rejected = (reasons = ['FRAUD: session total too high']): OrderCommand => ({
  type: 'ApplyValidationDecision',
  message: { type: 'OrderRejected', orderId, reasons },
  now,
});
const paid = (): OrderCommand => ({
  type: 'ApplyPaymentResult',
  message: { type: 'PaymentSucceeded', orderId },
  now,
});
const declined = (): OrderCommand => ({
  type: 'ApplyPaymentResult',
  message: { type: 'PaymentFailed', orderId, reason: 'card declined' },
  now,
});
const dispatched = (): OrderCommand => ({
  type: 'ApplyShipment',
  message: { type: 'ShipmentDispatched', orderId },
  now,
});
const delivered = (): OrderCommand => ({
  type: 'ApplyShipment',
  message: { type: 'ShipmentDelivered', orderId },
  now,
});
const cancel = (reason?: string): OrderCommand => ({
  type: 'CancelOrder',
  orderId,
  now,
  ...(reason ? { reason } : {}),
});
const expire = (expectedStatus: OrderStatus): OrderCommand => ({
  type: 'ExpireOrder',
  message: { type: 'ExpireOrder', orderId, expectedStatus, reason: 'TIMEOUT' },
  now,
});

// ---- CreateOrder ----------------------------------------------------------------------------------

describe('CreateOrder', () => {
  it('creates a CREATED order whose total is the sum of quantity × unit price', () => {
    const { decision } = given(null).when(
      create([
        { sku: 'JUMPERS', quantity: 2, unitPrice: 1250 },
        { sku: 'STOCKINGS', quantity: 3, unitPrice: 99 },
      ]),
    );
    const [event] = thenEvents(decision);
    assert.deepEqual(event, {
      type: 'OrderCreated',
      payment: { reference },
      order: {
        id: orderId,
        customerId,
        items: [
          { sku: 'JUMPERS', quantity: 2, unitPrice: 1250 },
          { sku: 'STOCKINGS', quantity: 3, unitPrice: 99 },
        ],
        currency: 'EUR',
        total: 2797,
        status: 'CREATED',
        reasons: [],
        createdAt: createdAt.toISOString(),
        updatedAt: createdAt.toISOString(),
      },
    });
  });

  it('accepts a total of exactly 2^53 − 1 minor units', () => {
    const items = [
      { sku: 'A', quantity: 9007, unitPrice: 1_000_000_000_000 },
      { sku: 'B', quantity: 1, unitPrice: 199_254_740_991 },
    ];
    const [event] = thenEvents(given(null).when(create(items)).decision);
    assert.equal(event?.type === 'OrderCreated' && event.order.total, Number.MAX_SAFE_INTEGER);
  });

  it('refuses a total one minor unit beyond 2^53 − 1, naming the items', () => {
    const items = [
      { sku: 'A', quantity: 9007, unitPrice: 1_000_000_000_000 },
      { sku: 'B', quantity: 1, unitPrice: 199_254_740_992 },
    ];
    const error = thenRejected(given(null).when(create(items)).decision, 'TOTAL_OVERFLOW');
    assert.equal(error.field, 'items');
    assert.equal(error.retriable, false);
  });

  it('refuses the largest possible order (100 lines of 10 000 × 10^12) without losing precision', () => {
    const items = Array.from({ length: 100 }, () => ({ sku: 'A', quantity: 10_000, unitPrice: 1e12 }));
    const error = thenRejected(given(null).when(create(items)).decision, 'TOTAL_OVERFLOW');
    assert.match(error.message, /1000000000000000000/);
  });

  it('refuses to create an order that already exists', () => {
    thenRejected(given('CREATED').when(create()).decision, 'ORDER_ALREADY_EXISTS');
  });
});

// ---- decisions consumed from other services -------------------------------------------------------

describe('ApplyValidationDecision', () => {
  it('moves a CREATED order to VALIDATED', () => {
    const { state, decision } = given('CREATED').when(validated());
    const events = thenEvents(decision);
    assert.deepEqual(events, [{ type: 'OrderValidated', orderId, at }]);
    assert.deepEqual(fold(state, events), { ...state, status: 'VALIDATED', updatedAt: at });
  });

  it('fails a CREATED order with the rejection reasons', () => {
    const { state, decision } = given('CREATED').when(rejected(['FRAUD: too much', 'INVENTORY: JUMPERS']));
    const events = thenEvents(decision);
    assert.deepEqual(events, [
      { type: 'OrderFailed', orderId, at, reasons: ['FRAUD: too much', 'INVENTORY: JUMPERS'] },
    ]);
    assert.deepEqual(fold(state, events)?.reasons, ['FRAUD: too much', 'INVENTORY: JUMPERS']);
  });

  it('records a generic reason when a rejection names none', () => {
    const [event] = thenEvents(given('CREATED').when(rejected([])).decision);
    assert.deepEqual(event?.type === 'OrderFailed' && event.reasons, ['VALIDATION_FAILED']);
  });

  it('ignores a duplicate validation', () => {
    thenIgnored(given('VALIDATED').when(validated()).decision, 'ALREADY_APPLIED');
  });

  for (const status of ['APPROVED', 'SHIPPED', 'DELIVERED', 'FAILED', 'CANCELLED'] as const) {
    it(`produces no events for a late validation of a ${status} order`, () => {
      thenIgnored(given(status).when(validated()).decision, 'SUPERSEDED');
    });
  }
  for (const status of ['VALIDATED', 'APPROVED', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const) {
    it(`produces no events for a late rejection of a ${status} order`, () => {
      thenIgnored(given(status).when(rejected()).decision, 'SUPERSEDED');
    });
  }

  it('refuses a decision for an order that does not exist', () => {
    thenRejected(given(null).when(validated()).decision, 'ORDER_NOT_FOUND');
  });

  it('refuses a decision routed to another order', () => {
    const other: OrderCommand = {
      type: 'ApplyValidationDecision',
      message: { type: 'OrderValidated', orderId: '11111111-1111-1111-1111-111111111111' },
      now,
    };
    thenRejected(given('CREATED').when(other).decision, 'ORDER_MISMATCH');
  });
});

describe('ApplyPaymentResult', () => {
  it('approves a VALIDATED order when the payment succeeded', () => {
    assert.deepEqual(thenEvents(given('VALIDATED').when(paid()).decision), [
      { type: 'OrderApproved', orderId, at },
    ]);
  });

  it('fails a VALIDATED order with the payment reason when the payment failed', () => {
    const { state, decision } = given('VALIDATED').when(declined());
    const events = thenEvents(decision);
    assert.deepEqual(events, [{ type: 'OrderFailed', orderId, at, reasons: ['card declined'] }]);
    assert.equal(fold(state, events)?.status, 'FAILED');
  });

  it('validates then approves a CREATED order whose payment overtook the validation decision', () => {
    const events = thenEvents(given('CREATED').when(paid()).decision);
    assert.deepEqual(
      events.map((e) => e.type),
      ['OrderValidated', 'OrderApproved'],
    );
  });

  it('validates then fails a CREATED order whose declined payment overtook the validation decision', () => {
    const events = thenEvents(given('CREATED').when(declined()).decision);
    assert.deepEqual(
      events.map((e) => e.type),
      ['OrderValidated', 'OrderFailed'],
    );
  });

  it('ignores a duplicate payment success', () => {
    thenIgnored(given('APPROVED').when(paid()).decision, 'ALREADY_APPLIED');
  });

  for (const status of ['SHIPPED', 'DELIVERED', 'FAILED', 'CANCELLED'] as const) {
    it(`produces no events for a late payment success on a ${status} order`, () => {
      thenIgnored(given(status).when(paid()).decision, 'SUPERSEDED');
    });
  }
  for (const status of ['APPROVED', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const) {
    it(`produces no events for a late payment failure on a ${status} order`, () => {
      thenIgnored(given(status).when(declined()).decision, 'SUPERSEDED');
    });
  }
});

describe('ApplyShipment', () => {
  it('ships an APPROVED order when the shipment is dispatched', () => {
    assert.deepEqual(thenEvents(given('APPROVED').when(dispatched()).decision), [
      { type: 'OrderShipped', orderId, at },
    ]);
  });

  it('delivers a SHIPPED order', () => {
    const { state, decision } = given('SHIPPED').when(delivered());
    const events = thenEvents(decision);
    assert.deepEqual(events, [{ type: 'OrderDelivered', orderId, at }]);
    assert.equal(fold(state, events)?.status, 'DELIVERED');
  });

  it('ships then delivers an APPROVED order whose delivery came without a dispatch', () => {
    const events = thenEvents(given('APPROVED').when(delivered()).decision);
    assert.deepEqual(
      events.map((e) => e.type),
      ['OrderShipped', 'OrderDelivered'],
    );
  });

  for (const status of ['CREATED', 'VALIDATED'] as const) {
    for (const [name, command] of [
      ['dispatch', dispatched],
      ['delivery', delivered],
    ] as const) {
      it(`refuses a ${name} for a ${status} order as out of order and retriable`, () => {
        assert.equal(thenRejected(given(status).when(command()).decision, 'OUT_OF_ORDER').retriable, true);
      });
    }
  }

  it('ignores a duplicate dispatch', () => {
    thenIgnored(given('SHIPPED').when(dispatched()).decision, 'ALREADY_APPLIED');
  });

  it('ignores a duplicate delivery', () => {
    thenIgnored(given('DELIVERED').when(delivered()).decision, 'ALREADY_APPLIED');
  });

  for (const status of ['DELIVERED', 'FAILED', 'CANCELLED'] as const) {
    it(`produces no events for a late dispatch of a ${status} order`, () => {
      thenIgnored(given(status).when(dispatched()).decision, 'SUPERSEDED');
    });
  }
});

// ---- requests -------------------------------------------------------------------------------------

describe('CancelOrder', () => {
  for (const status of ['CREATED', 'VALIDATED', 'APPROVED'] as const) {
    it(`cancels a ${status} order`, () => {
      const { state, decision } = given(status).when(cancel());
      const events = thenEvents(decision);
      assert.deepEqual(events, [{ type: 'OrderCancelled', orderId, at, reasons: [] }]);
      assert.equal(fold(state, events)?.status, 'CANCELLED');
    });
  }

  it('records the reason given for a cancellation', () => {
    const [event] = thenEvents(given('CREATED').when(cancel('changed my mind')).decision);
    assert.deepEqual(event?.type === 'OrderCancelled' && event.reasons, ['changed my mind']);
  });

  for (const status of ['SHIPPED', 'DELIVERED', 'FAILED'] as const) {
    it(`refuses to cancel a ${status} order with an error naming ${status} and CANCELLED`, () => {
      const error = thenRejected(given(status).when(cancel()).decision, 'INVALID_TRANSITION');
      assert.ok(error instanceof InvalidTransitionError);
      assert.deepEqual(
        [error.from, error.to, error.message],
        [status, 'CANCELLED', `cannot change from ${status} to CANCELLED`],
      );
    });
  }

  it('answers a second cancellation without a second event', () => {
    thenIgnored(given('CANCELLED').when(cancel()).decision, 'ALREADY_APPLIED');
  });

  it('refuses to cancel an order that does not exist', () => {
    thenRejected(given(null).when(cancel()).decision, 'ORDER_NOT_FOUND');
  });
});

describe('ExpireOrder', () => {
  for (const status of ['CREATED', 'VALIDATED'] as const) {
    it(`fails a ${status} order still in ${status} with reason TIMEOUT`, () => {
      const { state, decision } = given(status).when(expire(status));
      const events = thenEvents(decision);
      assert.deepEqual(events, [{ type: 'OrderFailed', orderId, at, reasons: ['TIMEOUT'] }]);
      assert.deepEqual(fold(state, events)?.reasons, ['TIMEOUT']);
    });
  }

  for (const [expected, actual] of [
    ['CREATED', 'VALIDATED'],
    ['CREATED', 'CANCELLED'],
    ['VALIDATED', 'APPROVED'],
    ['VALIDATED', 'FAILED'],
  ] as const) {
    it(`does nothing, without an error, when an order expected in ${expected} is already ${actual}`, () => {
      thenIgnored(given(actual).when(expire(expected)).decision, 'NOT_IN_EXPECTED_STATUS');
    });
  }

  it('cancels an APPROVED order still APPROVED with reason TIMEOUT (paid, so it is compensated)', () => {
    const { state, decision } = given('APPROVED').when(expire('APPROVED'));
    const events = thenEvents(decision);
    assert.deepEqual(events, [{ type: 'OrderCancelled', orderId, at, reasons: ['TIMEOUT'] }]);
    assert.deepEqual(fold(state, events)?.status, 'CANCELLED');
    assert.deepEqual(fold(state, events)?.reasons, ['TIMEOUT']);
  });

  it('does nothing when an order expected in APPROVED has shipped meanwhile', () => {
    thenIgnored(given('SHIPPED').when(expire('APPROVED')).decision, 'NOT_IN_EXPECTED_STATUS');
  });

  it('refuses to expire an order still in a status nothing may end', () => {
    const error = thenRejected(given('SHIPPED').when(expire('SHIPPED')).decision, 'INVALID_TRANSITION');
    assert.equal(error.message, 'cannot change from SHIPPED to FAILED');
  });

  it('refuses to expire an order that does not exist', () => {
    thenRejected(given(null).when(expire('CREATED')).decision, 'ORDER_NOT_FOUND');
  });
});

// ---- invariants -----------------------------------------------------------------------------------

describe('evolve', () => {
  it('follows the happy path to DELIVERED, keeping createdAt and moving updatedAt', () => {
    const state = fold(initialState, historyTo('DELIVERED'));
    assert.equal(state?.status, 'DELIVERED');
    assert.equal(state?.createdAt, createdAt.toISOString());
    const later = evolve(fold(initialState, historyTo('SHIPPED')), { type: 'OrderDelivered', orderId, at });
    assert.equal(later?.updatedAt, at);
  });

  it('refuses a status change for an order that does not exist', () => {
    assert.throws(() => evolve(initialState, { type: 'OrderValidated', orderId, at }), /does not exist/);
  });
});

describe('every decision', () => {
  const commands = { validated, rejected, paid, declined, dispatched, delivered, cancel };
  for (const status of orderStatuses) {
    for (const [name, command] of Object.entries(commands)) {
      it(`only makes allowed status changes when ${name} meets a ${status} order`, () => {
        const { state, decision } = given(status).when(command());
        if (decision.outcome !== 'applied') return;
        let current = state;
        for (const event of decision.events) {
          const next = evolve(current, event);
          assert.ok(
            current && next && canTransition(current.status, next.status),
            `${current?.status} → ${next?.status}`,
          );
          current = next;
        }
      });
    }
  }
});

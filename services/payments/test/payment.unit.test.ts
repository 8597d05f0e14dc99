import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OrderEvent } from '@microshop/contracts';
import { type CallResult, type Decision, decide } from '../src/domain/decide.ts';
import { emptyState, evolve, type PaymentState, paymentStatus } from '../src/domain/payment.ts';
import { actsOn } from '../src/handlers/order-events.ts';
import { newOrder, orderEvent, referenceFor } from './fixtures.ts';

// The payment saga as pure decisions: given the state and the calls made so far, which provider
// call comes next, and what is recorded and published once none is left; and the state after.

const order = newOrder(5000);
const visa = referenceFor(order, 'tok_visa');
const known: PaymentState = { ...emptyState, reference: visa };
const captured: PaymentState = {
  ...known,
  chargeAttempted: true,
  charge: { outcome: 'SUCCEEDED', paymentId: 'ch_1', amount: 5000, currency: 'EUR', reason: null },
};
const succeeded: CallResult = {
  kind: 'charge',
  outcome: { status: 'succeeded', paymentId: 'ch_1', amount: 5000, currency: 'EUR' },
};
const refunded: CallResult = {
  kind: 'refund',
  refundId: 're_1',
  paymentId: 'ch_1',
  amount: 5000,
  currency: 'EUR',
};
let ids = 0;
const stamp = {
  newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  at: new Date('2025-03-01T10:00:00Z'),
};

const validated = orderEvent(order, 'VALIDATED');
const cancelled = orderEvent(order, 'CANCELLED');
const failed = orderEvent(order, 'FAILED');

type Recorded = Extract<Decision, { kind: 'record' }>;

/** The provider call `decide` asks for next; null when it asks to record instead. */
function nextCall(event: OrderEvent, state: PaymentState, results: readonly CallResult[]) {
  const decision = decide({ type: 'ActOnOrderEvent', event, results }, state, stamp);
  return decision.kind === 'call' ? decision.call : null;
}

/** What `decide` records and publishes once every call is made. */
function recorded(event: OrderEvent, state: PaymentState, results: readonly CallResult[]): Recorded {
  const decision = decide({ type: 'ActOnOrderEvent', event, results }, state, stamp);
  assert.equal(decision.kind, 'record', 'no call is left to make');
  return decision as Recorded;
}

function summary({ facts, events }: Recorded) {
  const fact = <T extends Recorded['facts'][number]['type']>(type: T) =>
    facts.find((f): f is Extract<Recorded['facts'][number], { type: T }> => f.type === type);
  return {
    reference: fact('PaymentMethodRemembered')?.reference ?? null,
    end: fact('OrderEnded')?.end ?? null,
    charge: fact('ChargeRecorded')?.charge.outcome ?? null,
    refund: fact('RefundRecorded')?.refund.reason ?? null,
    events: events.map((e) => e.type),
  };
}

test('OrderValidated asks to charge the order total with the key order-<id>', () => {
  assert.deepEqual(nextCall(validated, known, []), {
    kind: 'charge',
    idempotencyKey: `order-${order.orderId}`,
    orderId: order.orderId,
    amount: 5000,
    currency: 'EUR',
    reference: visa,
  });
});

test('OrderValidated asks nothing when the charge is recorded, the order ended, or no payment method is known', () => {
  assert.equal(nextCall(validated, captured, []), null);
  assert.equal(nextCall(validated, { ...known, ended: 'CANCELLED' }, []), null);
  assert.equal(nextCall(validated, emptyState, []), null);
  assert.equal(nextCall(validated, known, [succeeded]), null);
});

test('a successful charge for an order that ended meanwhile asks for the refund with the key refund-<id>', () => {
  const endedMeanwhile: PaymentState = { ...known, chargeAttempted: true, ended: 'CANCELLED' };

  assert.deepEqual(nextCall(validated, endedMeanwhile, [succeeded]), {
    kind: 'refund',
    idempotencyKey: `refund-${order.orderId}`,
    orderId: order.orderId,
    paymentId: 'ch_1',
    amount: 5000,
  });
  assert.equal(nextCall(validated, endedMeanwhile, [succeeded, refunded]), null);
  assert.deepEqual(summary(recorded(validated, endedMeanwhile, [succeeded, refunded])), {
    reference: null,
    end: null,
    charge: 'SUCCEEDED',
    refund: 'CANCELLED',
    events: ['PaymentSucceeded', 'PaymentRefunded'],
  });
});

test('a declined charge is recorded and published as PaymentFailed with the reason in words', () => {
  const declined: CallResult = {
    kind: 'charge',
    outcome: { status: 'declined', message: 'Your card was declined.' },
  };

  const decision = recorded(validated, known, [declined]);

  assert.deepEqual(summary(decision), {
    reference: null,
    end: null,
    charge: 'FAILED',
    refund: null,
    events: ['PaymentFailed'],
  });
  assert.deepEqual(decision.events[0], {
    id: decision.events[0]?.id,
    type: 'PaymentFailed',
    occurredAt: '2025-03-01T10:00:00.000Z',
    source: 'payments',
    orderId: order.orderId,
    reason: 'card declined: Your card was declined.',
  });
});

test('a cancellation after the capture asks for the refund and records it with the order status as reason', () => {
  assert.equal(nextCall(cancelled, captured, [])?.kind, 'refund');
  assert.deepEqual(summary(recorded(cancelled, captured, [refunded])), {
    reference: null,
    end: 'CANCELLED',
    charge: null,
    refund: 'CANCELLED',
    events: ['PaymentRefunded'],
  });
  assert.equal(nextCall(failed, captured, [])?.kind, 'refund');
});

test('a cancellation without a capture only records the end; a second end changes nothing', () => {
  const declinedCharge: PaymentState = {
    ...known,
    charge: { outcome: 'FAILED', paymentId: null, amount: 5000, currency: 'EUR', reason: 'card declined: x' },
  };
  assert.equal(nextCall(cancelled, known, []), null);
  assert.equal(nextCall(failed, declinedCharge, []), null);
  assert.deepEqual(summary(recorded(cancelled, known, [])).end, 'CANCELLED');
  assert.deepEqual(summary(recorded(failed, { ...known, ended: 'CANCELLED' }, [])).end, null);
});

test('a cancellation of a refunded order asks for nothing more', () => {
  const refundedState: PaymentState = {
    ...captured,
    ended: 'CANCELLED',
    refund: { refundId: 're_1', paymentId: 'ch_1', amount: 5000, currency: 'EUR', reason: 'CANCELLED' },
  };
  assert.equal(nextCall(failed, refundedState, []), null);
  assert.deepEqual(summary(recorded(failed, refundedState, [])).events, []);
});

test('an end after a charge was sent but never recorded asks the provider, and refunds what it found', () => {
  const attempted: PaymentState = { ...known, chargeAttempted: true };
  const found: CallResult = {
    kind: 'find-charge',
    found: { paymentId: 'ch_1', amount: 5000, currency: 'EUR' },
  };
  const none: CallResult = { kind: 'find-charge', found: null };

  assert.deepEqual(nextCall(failed, attempted, []), { kind: 'find-charge', orderId: order.orderId });
  assert.equal(nextCall(failed, attempted, [found])?.kind, 'refund');
  assert.equal(nextCall(failed, attempted, [none]), null);
  assert.deepEqual(summary(recorded(failed, attempted, [found, refunded])), {
    reference: null,
    end: 'FAILED',
    charge: 'SUCCEEDED',
    refund: 'FAILED',
    events: ['PaymentRefunded'],
  });
});

test('OrderCreated remembers the first payment reference only; the other statuses ask and record nothing', () => {
  const created = orderEvent(order, 'CREATED', { token: 'tok_visa' });
  assert.equal(summary(recorded(created, emptyState, [])).reference, visa);
  assert.equal(summary(recorded(created, known, [])).reference, null);
  for (const status of ['CREATED', 'APPROVED', 'SHIPPED', 'DELIVERED'] as const) {
    assert.equal(nextCall(orderEvent(order, status), captured, []), null, status);
  }
});

test('an order without a known payment method fails its payment with a reason instead of charging', () => {
  assert.deepEqual(summary(recorded(validated, emptyState, [])), {
    reference: null,
    end: null,
    charge: 'FAILED',
    refund: null,
    events: ['PaymentFailed'],
  });
});

test('the payment status reads REFUNDED over SUCCEEDED over PENDING', () => {
  assert.equal(paymentStatus(emptyState), 'PENDING');
  assert.equal(paymentStatus(captured), 'SUCCEEDED');
  assert.equal(paymentStatus({ charge: { outcome: 'FAILED' }, refund: null }), 'FAILED');
  assert.equal(paymentStatus({ ...captured, refund: {} }), 'REFUNDED');
});

test('the recorded facts evolve the state: charged, then refunded; a first reference and a first end win', () => {
  const charge = recorded(validated, known, [succeeded]);
  const afterCharge = charge.facts.reduce(evolve, known);
  const refund = recorded(cancelled, afterCharge, [refunded]);
  const afterRefund = refund.facts.reduce(evolve, afterCharge);

  assert.equal(paymentStatus(afterCharge), 'SUCCEEDED');
  assert.deepEqual(afterRefund.refund, {
    refundId: 're_1',
    paymentId: 'ch_1',
    amount: 5000,
    currency: 'EUR',
    reason: 'CANCELLED',
  });
  assert.equal(afterRefund.ended, 'CANCELLED');
  assert.equal(paymentStatus(afterRefund), 'REFUNDED');
  const other = referenceFor(order, 'tok_other');
  assert.equal(evolve(known, { type: 'PaymentMethodRemembered', reference: other }).reference, visa);
  assert.equal(evolve(afterRefund, { type: 'OrderEnded', end: 'FAILED' }).ended, 'CANCELLED');
});

test("the consumer's filter lets through the statuses payments acts on, even broken, and nothing else", () => {
  const order = newOrder(500);
  for (const status of ['CREATED', 'VALIDATED', 'CANCELLED', 'FAILED'] as const)
    assert.equal(actsOn({ value: orderEvent(order, status) }), true, status);
  assert.equal(actsOn({ value: { ...orderEvent(order, 'VALIDATED'), orderId: 'nope' } }), true);
  for (const status of ['APPROVED', 'SHIPPED', 'DELIVERED'] as const)
    assert.equal(actsOn({ value: orderEvent(order, status) }), false, status);
  assert.equal(actsOn({ value: null }), false);
  assert.equal(actsOn({ value: { type: 'OrderTeleported' } }), false);
});

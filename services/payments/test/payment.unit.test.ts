import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Conclusion, conclude } from '../src/domain/conclusion.ts';
import {
  type CallResult,
  emptyState,
  nextCall,
  type PaymentState,
  paymentStatus,
} from '../src/domain/payment.ts';
import { newOrder, orderEvent } from './fixtures.ts';

// The payment saga as pure decisions: given the state and the calls made so far, which provider
// call comes next, and what is recorded and published once none is left.

const order = newOrder(5000);
const known: PaymentState = { ...emptyState, token: 'tok_visa' };
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

function summary(conclusion: Conclusion) {
  return {
    token: conclusion.token,
    end: conclusion.end,
    charge: conclusion.charge?.outcome ?? null,
    refund: conclusion.refund?.reason ?? null,
    events: conclusion.events.map((e) => e.type),
  };
}

test('OrderValidated asks to charge the order total with the key order-<id>', () => {
  assert.deepEqual(nextCall(validated, known, []), {
    kind: 'charge',
    idempotencyKey: `order-${order.orderId}`,
    orderId: order.orderId,
    amount: 5000,
    currency: 'EUR',
    token: 'tok_visa',
  });
});

test('OrderValidated asks nothing when the charge is recorded, the order ended, or no token is known', () => {
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
  assert.deepEqual(summary(conclude(validated, endedMeanwhile, [succeeded, refunded], stamp)), {
    token: null,
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

  const conclusion = conclude(validated, known, [declined], stamp);

  assert.deepEqual(summary(conclusion), {
    token: null,
    end: null,
    charge: 'FAILED',
    refund: null,
    events: ['PaymentFailed'],
  });
  assert.deepEqual(conclusion.events[0], {
    id: conclusion.events[0]?.id,
    type: 'PaymentFailed',
    occurredAt: '2025-03-01T10:00:00.000Z',
    source: 'payments',
    orderId: order.orderId,
    reason: 'card declined: Your card was declined.',
  });
});

test('a cancellation after the capture asks for the refund and records it with the order status as reason', () => {
  assert.equal(nextCall(cancelled, captured, [])?.kind, 'refund');
  assert.deepEqual(summary(conclude(cancelled, captured, [refunded], stamp)), {
    token: null,
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
  assert.deepEqual(summary(conclude(cancelled, known, [], stamp)).end, 'CANCELLED');
  assert.deepEqual(summary(conclude(failed, { ...known, ended: 'CANCELLED' }, [], stamp)).end, null);
});

test('a cancellation of a refunded order asks for nothing more', () => {
  const refundedState: PaymentState = {
    ...captured,
    ended: 'CANCELLED',
    refund: { refundId: 're_1', paymentId: 'ch_1', amount: 5000, currency: 'EUR', reason: 'CANCELLED' },
  };
  assert.equal(nextCall(failed, refundedState, []), null);
  assert.deepEqual(summary(conclude(failed, refundedState, [], stamp)).events, []);
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
  assert.deepEqual(summary(conclude(failed, attempted, [found, refunded], stamp)), {
    token: null,
    end: 'FAILED',
    charge: 'SUCCEEDED',
    refund: 'FAILED',
    events: ['PaymentRefunded'],
  });
});

test('OrderCreated remembers the first token only; the other statuses ask and record nothing', () => {
  const created = orderEvent(order, 'CREATED', { token: 'tok_visa' });
  assert.equal(conclude(created, emptyState, [], stamp).token, 'tok_visa');
  assert.equal(conclude(created, known, [], stamp).token, null);
  for (const status of ['CREATED', 'APPROVED', 'SHIPPED', 'DELIVERED'] as const) {
    assert.equal(nextCall(orderEvent(order, status), captured, []), null, status);
  }
});

test('an order without a known token fails its payment with a reason instead of charging', () => {
  assert.deepEqual(summary(conclude(validated, emptyState, [], stamp)), {
    token: null,
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

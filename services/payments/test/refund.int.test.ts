import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import { handleOrderEvent } from '../src/handlers/payment-step.ts';
import { consumed, newOrder, orderEvent } from './fixtures.ts';
import {
  deliverer,
  httpProvider,
  migratedSchema,
  outboxWindow,
  paymentDeps,
  startSandbox,
} from './harness.ts';

const db = await migratedSchema('payments_refund');
const sandbox = await startSandbox({ slowMs: 600, errorTimes: 2 });
const deps = paymentDeps(db, httpProvider(sandbox.url, { timeoutMs: 2_000 }));
const deliver = deliverer(deps);
const published = await outboxWindow(db);

async function capturedOrder(total = 5000) {
  const order = newOrder(total);
  await deliver(orderEvent(order, 'CREATED'), orderEvent(order, 'VALIDATED'), orderEvent(order, 'APPROVED'));
  return order;
}

test('OrderCancelled after the capture refunds it in full and publishes PaymentRefunded with reason CANCELLED', async () => {
  const order = await capturedOrder(2599);

  await deliver(orderEvent(order, 'CANCELLED'));

  const [charge] = await sandbox.charges(order.orderId);
  assert.ok(charge);
  assert.equal(charge.amount_refunded, 2599);
  const refunds = await sandbox.refunds(charge.id);
  assert.equal(refunds.length, 1);
  const events = await published(order.orderId);
  assert.deepEqual(
    events.map((e) => e.payload.type),
    ['PaymentSucceeded', 'PaymentRefunded'],
  );
  assert.deepEqual(
    { ...events[1]?.payload, id: undefined, occurredAt: undefined },
    {
      id: undefined,
      occurredAt: undefined,
      type: 'PaymentRefunded',
      source: 'payments',
      orderId: order.orderId,
      paymentId: charge.id,
      refundId: refunds[0]?.id,
      amount: 2599,
      currency: 'EUR',
      reason: 'CANCELLED',
    },
  );
  assert.equal(events[1]?.key, order.orderId);
});

test('OrderFailed after the capture refunds it with reason FAILED', async () => {
  const order = await capturedOrder();

  await deliver(orderEvent(order, 'FAILED'));

  const events = await published(order.orderId);
  assert.deepEqual(
    events.map((e) => [e.payload.type, e.payload.reason]),
    [
      ['PaymentSucceeded', undefined],
      ['PaymentRefunded', 'FAILED'],
    ],
  );
});

test('a cancellation delivered twice, or followed by a failure, refunds once', async () => {
  const order = await capturedOrder();
  const cancelled = orderEvent(order, 'CANCELLED');

  await deliver(cancelled, cancelled, orderEvent(order, 'CANCELLED'), orderEvent(order, 'FAILED'));

  const [charge] = await sandbox.charges(order.orderId);
  assert.equal((await sandbox.refunds(charge?.id ?? '')).length, 1);
  assert.deepEqual(
    (await published(order.orderId)).map((e) => e.payload.type),
    ['PaymentSucceeded', 'PaymentRefunded'],
  );
});

test('a cancellation without a capture refunds nothing and publishes nothing', async () => {
  const declined = newOrder();
  const unvalidated = newOrder();
  await deliver(
    orderEvent(declined, 'CREATED', { token: sandboxTokens.declined }),
    orderEvent(declined, 'VALIDATED'),
    orderEvent(declined, 'FAILED'),
    orderEvent(unvalidated, 'CREATED'),
    orderEvent(unvalidated, 'CANCELLED'),
  );

  assert.deepEqual(
    (await published(declined.orderId)).map((e) => e.payload.type),
    ['PaymentFailed'],
  );
  assert.deepEqual(await published(unvalidated.orderId), []);
  assert.deepEqual(await sandbox.charges(unvalidated.orderId), []);
});

test('an OrderValidated seen after the order was cancelled charges nothing', async () => {
  const order = newOrder();

  await deliver(orderEvent(order, 'CREATED'), orderEvent(order, 'CANCELLED'), orderEvent(order, 'VALIDATED'));

  assert.deepEqual(await sandbox.charges(order.orderId), []);
  assert.deepEqual(await published(order.orderId), []);
});

test('a cancellation handled while the charge is in flight ends with the charge refunded', async () => {
  const order = newOrder();
  await deliver(orderEvent(order, 'CREATED', { token: sandboxTokens.slow }));
  const validated = orderEvent(order, 'VALIDATED');
  const cancelled = orderEvent(order, 'CANCELLED');

  const charging = handleOrderEvent(deps, consumed(validated), validated);
  await new Promise((resolve) => setTimeout(resolve, 150)); // the sandbox takes 600 ms
  const cancelling = await handleOrderEvent(deps, consumed(cancelled), cancelled);
  const charged = await charging;

  assert.equal(cancelling.status, 'handled');
  assert.equal(charged.status, 'handled');
  const charges = await sandbox.charges(order.orderId);
  assert.equal(charges.length, 1);
  assert.equal(charges[0]?.amount_refunded, 5000);
  assert.deepEqual(
    (await published(order.orderId)).map((e) => [e.payload.type, e.payload.reason]),
    [
      ['PaymentSucceeded', undefined],
      ['PaymentRefunded', 'CANCELLED'],
    ],
  );
});

test('a charge the provider made but payments never recorded is found and refunded when the order fails', async () => {
  const order = newOrder();
  await deliver(orderEvent(order, 'CREATED'));
  // The charge went through but its handler gave up before recording it (e.g. dead-lettered).
  const flaky = {
    ...deps.provider,
    charge: async (...args: Parameters<typeof deps.provider.charge>) => {
      await deps.provider.charge(...args);
      throw new Error('connection lost after the provider answered');
    },
  };
  await assert.rejects(deliverer({ ...deps, provider: flaky })(orderEvent(order, 'VALIDATED')));

  await deliver(orderEvent(order, 'FAILED'));

  const [charge] = await sandbox.charges(order.orderId);
  assert.equal(charge?.amount_refunded, 5000);
  assert.deepEqual(
    (await published(order.orderId)).map((e) => [e.payload.type, e.payload.reason]),
    [['PaymentRefunded', 'FAILED']],
  );
  const recorded = await db.pool.query('SELECT outcome, payment_id FROM charges WHERE order_id = $1', [
    order.orderId,
  ]);
  assert.deepEqual(recorded.rows, [{ outcome: 'SUCCEEDED', payment_id: charge?.id }]);
});

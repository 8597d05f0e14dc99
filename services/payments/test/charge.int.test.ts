import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import { isRetriable } from '@microshop/platform';
import { newOrder, orderEvent } from './fixtures.ts';
import {
  deliverer,
  httpProvider,
  migratedSchema,
  outboxWindow,
  paymentDeps,
  startSandbox,
} from './harness.ts';

const db = await migratedSchema('payments_charge');
const sandbox = await startSandbox({ slowMs: 600, errorTimes: 2 });
const deps = paymentDeps(db, httpProvider(sandbox.url));
const deliver = deliverer(deps);
const published = await outboxWindow(db);

/** The order created with `token` and validated: what makes payments charge. */
async function createAndValidate(token: string, total = 5000) {
  const order = newOrder(total);
  await deliver(orderEvent(order, 'CREATED', { token }), orderEvent(order, 'VALIDATED'));
  return order;
}

test('a validated tok_visa order is charged once and PaymentSucceeded goes out keyed by the order', async () => {
  const order = await createAndValidate(sandboxTokens.success, 4321);

  const charges = await sandbox.charges(order.orderId);
  assert.equal(charges.length, 1);
  const events = await published(order.orderId);
  assert.equal(events.length, 1);
  const [event] = events;
  assert.deepEqual(
    { topic: event?.topic, key: event?.key },
    { topic: 'microshop.payments', key: order.orderId },
  );
  assert.deepEqual(
    { ...event?.payload, id: undefined, occurredAt: undefined },
    {
      id: undefined,
      occurredAt: undefined,
      type: 'PaymentSucceeded',
      source: 'payments',
      orderId: order.orderId,
      paymentId: charges[0]?.id,
      amount: 4321,
      currency: 'EUR',
    },
  );
});

test('a declined card gives PaymentFailed with the reason in words and no charge', async () => {
  const order = await createAndValidate(sandboxTokens.declined);

  assert.deepEqual(await sandbox.charges(order.orderId), []);
  const events = await published(order.orderId);
  assert.deepEqual(
    events.map((e) => [e.payload.type, e.payload.reason]),
    [['PaymentFailed', 'card declined: Your card was declined.']],
  );
});

test('tok_error answers 5xx twice, the adapter retries with the same key: one charge, PaymentSucceeded', async () => {
  const order = await createAndValidate(sandboxTokens.flaky);

  assert.equal((await sandbox.charges(order.orderId)).length, 1);
  assert.deepEqual(
    (await published(order.orderId)).map((e) => e.payload.type),
    ['PaymentSucceeded'],
  );
});

test('tok_slow outlasts the request timeout; the retry with the same key gets the one charge', async () => {
  const started = Date.now();
  const order = await createAndValidate(sandboxTokens.slow);

  assert.ok(Date.now() - started >= 550, 'the slow charge was waited for');
  assert.equal((await sandbox.charges(order.orderId)).length, 1);
  assert.deepEqual(
    (await published(order.orderId)).map((e) => e.payload.type),
    ['PaymentSucceeded'],
  );
});

test('OrderValidated delivered again, even under another event id, charges nothing more', async () => {
  const order = newOrder();
  const validated = orderEvent(order, 'VALIDATED');
  await deliver(orderEvent(order, 'CREATED'), validated, validated, orderEvent(order, 'VALIDATED'));

  assert.equal((await sandbox.charges(order.orderId)).length, 1);
  assert.equal((await published(order.orderId)).length, 1);
});

test('a handler interrupted after the provider charged but before the commit leaves one charge after redelivery', async () => {
  const order = newOrder();
  await deliver(orderEvent(order, 'CREATED'));
  const validated = orderEvent(order, 'VALIDATED');
  // The transaction that records the charge fails once, after the provider has answered:
  // as if the process died between the provider's answer and the commit.
  await db.pool.query(`
    CREATE SEQUENCE crash_once;
    CREATE FUNCTION crash_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('crash_once') = 1 THEN RAISE EXCEPTION 'simulated crash before commit'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER crash_once BEFORE INSERT ON charges FOR EACH ROW EXECUTE FUNCTION crash_once();`);
  try {
    await assert.rejects(deliver(validated), /simulated crash/);
    assert.equal((await sandbox.charges(order.orderId)).length, 1, 'the provider charged');
    assert.deepEqual(await published(order.orderId), [], 'nothing recorded');

    await deliver(validated);
  } finally {
    await db.pool.query(
      'DROP TRIGGER crash_once ON charges; DROP FUNCTION crash_once(); DROP SEQUENCE crash_once',
    );
  }

  assert.equal((await sandbox.charges(order.orderId)).length, 1);
  assert.deepEqual(
    (await published(order.orderId)).map((e) => e.payload.type),
    ['PaymentSucceeded'],
  );
});

test('an order whose OrderCreated was never seen fails its payment rather than waiting for ever', async () => {
  const order = newOrder();
  await deliver(orderEvent(order, 'VALIDATED'));

  assert.deepEqual(await sandbox.charges(order.orderId), []);
  assert.deepEqual(
    (await published(order.orderId)).map((e) => [e.payload.type, e.payload.reason]),
    [['PaymentFailed', 'payment failed: no payment method on record for the order']],
  );
});

test('a token the provider does not know is a PaymentFailed with the provider message, the token cut out', async () => {
  const order = await createAndValidate('tok_unknown');

  assert.deepEqual(
    (await published(order.orderId)).map((e) => [e.payload.type, e.payload.reason]),
    [['PaymentFailed', "payment rejected: No such token: '[card token]'"]],
  );
});

test('a provider that stays down makes the handler throw a retriable error and record nothing', async () => {
  const down = httpProvider('http://127.0.0.1:9', { maxAttempts: 3 });
  const order = newOrder();
  const deliverDown = deliverer(paymentDeps(db, down));
  await deliverDown(orderEvent(order, 'CREATED'));

  const error = await deliverDown(orderEvent(order, 'VALIDATED')).then(
    () => null,
    (thrown: unknown) => thrown,
  );

  assert.ok(error instanceof Error, 'the handler threw');
  assert.equal(isRetriable(error), true);
  assert.match(error.message, /failed 3 times/);
  assert.deepEqual(await published(order.orderId), []);
  const recorded = await db.pool.query('SELECT count(*)::int AS n FROM charges WHERE order_id = $1', [
    order.orderId,
  ]);
  assert.equal(recorded.rows[0]?.n, 0);
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import { newOrder, orderEvent } from './fixtures.ts';
import {
  asOperator,
  deliverer,
  httpApp,
  httpProvider,
  issuer,
  migratedSchema,
  paymentDeps,
  startSandbox,
} from './harness.ts';

const db = await migratedSchema('payments_http');
const sandbox = await startSandbox();
const deliver = deliverer(paymentDeps(db, httpProvider(sandbox.url)));
const app = await httpApp(db);

const get = (orderId: string, headers: Record<string, string> = asOperator) =>
  app.inject({ method: 'GET', url: `/api/v1/payments/${orderId}`, headers });

test('an order charged and then cancelled shows its charge and its refund, status REFUNDED', async () => {
  const order = newOrder(1234);
  await deliver(orderEvent(order, 'CREATED'), orderEvent(order, 'VALIDATED'), orderEvent(order, 'CANCELLED'));
  const [charge] = await sandbox.charges(order.orderId);

  const response = await get(order.orderId);

  assert.equal(response.statusCode, 200);
  const body = response.json();
  assert.equal(body.status, 'REFUNDED');
  assert.deepEqual(
    body.charges.map((c: Record<string, unknown>) => ({ ...c, createdAt: typeof c.createdAt })),
    [
      {
        paymentId: charge?.id,
        status: 'SUCCEEDED',
        amount: 1234,
        currency: 'EUR',
        reason: null,
        idempotencyKey: `order-${order.orderId}`,
        createdAt: 'string',
      },
    ],
  );
  assert.deepEqual(
    body.refunds.map((r: Record<string, unknown>) => [r.paymentId, r.amount, r.reason, r.idempotencyKey]),
    [[charge?.id, 1234, 'CANCELLED', `refund-${order.orderId}`]],
  );
  assert.equal(JSON.stringify(body).includes(sandboxTokens.success), false, 'the token is never shown');
});

test('a declined order shows a FAILED charge with its reason; an order only created is PENDING', async () => {
  const declined = newOrder();
  const created = newOrder();
  await deliver(
    orderEvent(declined, 'CREATED', { token: sandboxTokens.declined }),
    orderEvent(declined, 'VALIDATED'),
    orderEvent(created, 'CREATED'),
  );

  const failed = (await get(declined.orderId)).json();
  const pending = (await get(created.orderId)).json();

  assert.equal(failed.status, 'FAILED');
  assert.deepEqual(
    failed.charges.map((c: Record<string, unknown>) => [c.status, c.paymentId, c.reason]),
    [['FAILED', null, 'card declined: Your card was declined.']],
  );
  assert.deepEqual(pending, { orderId: created.orderId, status: 'PENDING', charges: [], refunds: [] });
});

test('an order payments never heard of is a 404 problem; a malformed id a 400 naming the field', async () => {
  const unknown = await get(randomUUID());
  const malformed = await get('not-an-id');

  assert.equal(unknown.statusCode, 404);
  assert.match(String(unknown.headers['content-type']), /^application\/problem\+json/);
  assert.equal(malformed.statusCode, 400);
  assert.equal(malformed.json().errors[0]?.field, 'orderId');
});

test("an order's payment is its customer's (and operators'); another customer gets the 404 of an unknown order", async () => {
  const order = newOrder();
  await deliver(orderEvent(order, 'CREATED'));
  const stranger = (await issuer.customer()).headers;

  assert.equal((await get(order.orderId, (await issuer.customer(order.customerId)).headers)).statusCode, 200);
  const theirs = await get(order.orderId, stranger);
  const unknown = await get(randomUUID(), stranger);
  assert.deepEqual([theirs.statusCode, unknown.statusCode], [404, 404]);
  assert.equal(
    theirs.json().detail.replace(order.orderId, '<id>'),
    unknown.json().detail.replace(/[0-9a-f-]{36}/, '<id>'),
  );
  assert.equal((await get(order.orderId, {})).statusCode, 401);
});

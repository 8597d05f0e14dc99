import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import { migrateServiceSchema, migrationsDirOf, withTransaction } from '@microshop/platform';
import { createTestSchema, schemaMigratedUpTo, type TestSchema } from '@microshop/platform/testing';
import { paymentMethodsPath } from '../src/http/payment-methods.ts';
import { service } from '../src/main.ts';
import { revealToken, sealLegacyTokens } from '../src/store/payment-methods.ts';
import { newOrder, orderEvent, referenceFor, testCipher } from './fixtures.ts';
import { deliverer, httpApp, httpProvider, migratedSchema, paymentDeps, startSandbox } from './harness.ts';

// Card tokens in payments: handed over for a reference, kept only encrypted, and only as long as a
// charge may still need them; tokens an earlier version kept in clear are encrypted on start.

const db = await migratedSchema('payments_methods');
const sandbox = await startSandbox();
const deliver = deliverer(paymentDeps(db, httpProvider(sandbox.url)));
const app = await httpApp(db);

/** A card token no other test uses, which the sandbox charges like tok_visa. */
const uniqueVisa = () => `${sandboxTokens.success}_${randomUUID()}`;

function register(token: string) {
  return app.inject({ method: 'POST', url: paymentMethodsPath, payload: { token } });
}

/** Every row of payment_methods and payment_orders as text: where a token in clear would show. */
async function storedText(schema: TestSchema): Promise<string> {
  const methods = await schema.pool.query('SELECT m::text AS row FROM payment_methods m');
  const orders = await schema.pool.query('SELECT o::text AS row FROM payment_orders o');
  return [...methods.rows, ...orders.rows].map((r) => r.row).join('\n');
}

async function kept(reference: string): Promise<boolean> {
  const result = await db.pool.query('SELECT 1 FROM payment_methods WHERE reference = $1', [reference]);
  return result.rowCount === 1;
}

test('a card token is exchanged for a reference: the same card the same reference, kept only encrypted', async () => {
  const token = uniqueVisa();

  const first = await register(token);
  const again = await register(token);
  const other = await register(uniqueVisa());

  assert.equal(first.statusCode, 200, first.body);
  const { reference } = first.json();
  assert.match(reference, /^pm_[A-Za-z0-9_-]{32}$/);
  assert.equal(again.json().reference, reference, 'an idempotent replay gets the same reference');
  assert.notEqual(other.json().reference, reference);
  assert.equal((await storedText(db)).includes(token), false, 'the token is stored in clear');
  assert.equal(await revealToken(db.pool, testCipher, reference), token);
  assert.equal((await register('')).statusCode, 400);
});

test('a token is forgotten once the last order using it is charged or ended, not before', async () => {
  const first = newOrder();
  const second = { ...newOrder(), customerId: first.customerId };
  const token = uniqueVisa();
  const reference = referenceFor(first, token);

  await deliver(orderEvent(first, 'CREATED', { token }), orderEvent(second, 'CREATED', { token }));
  await deliver(orderEvent(first, 'VALIDATED'));
  assert.equal(await kept(reference), true, 'the second order still waits for its charge');

  await deliver(orderEvent(second, 'CANCELLED'));
  assert.equal(await kept(reference), false);
  assert.equal((await sandbox.charges(first.orderId)).length, 1);
});

test('an order whose token is no longer kept fails its payment instead of charging', async () => {
  const order = newOrder();
  await deliver(orderEvent(order, 'CREATED', { token: uniqueVisa() }));
  await db.pool.query('DELETE FROM payment_methods WHERE reference = $1', [
    (await db.pool.query('SELECT payment_reference FROM payment_orders WHERE order_id = $1', [order.orderId]))
      .rows[0]?.payment_reference,
  ]);

  await deliver(orderEvent(order, 'VALIDATED'));

  const charges = await db.pool.query('SELECT outcome, reason FROM charges WHERE order_id = $1', [
    order.orderId,
  ]);
  assert.deepEqual(charges.rows, [
    { outcome: 'FAILED', reason: 'payment rejected: the payment method is no longer on record' },
  ]);
  assert.deepEqual(await sandbox.charges(order.orderId), []);
});

test('tokens an earlier version kept in clear: dropped when settled, encrypted when a charge waits for them', async (t) => {
  const legacy = await createTestSchema('payments_legacy_tokens', t);
  await schemaMigratedUpTo(service, legacy, '002_reconciliation.sql', t);
  const [waiting, cancelled] = [randomUUID(), randomUUID()];
  const [waitingToken, cancelledToken] = [uniqueVisa(), uniqueVisa()];
  await legacy.pool.query(
    `INSERT INTO payment_orders (order_id, customer_id, token, ended_status, created_at, updated_at)
     VALUES ($1, $1, $2, NULL, now(), now()), ($3, $3, $4, 'CANCELLED', now(), now())`,
    [waiting, waitingToken, cancelled, cancelledToken],
  );

  await migrateServiceSchema(legacy.pool, { schema: legacy.name, dir: migrationsDirOf(service) });
  const sealed = await withTransaction(legacy.pool, (client) =>
    sealLegacyTokens(client, testCipher, new Date()),
  );

  assert.equal(sealed, 1);
  const text = await storedText(legacy);
  for (const token of [waitingToken, cancelledToken]) assert.equal(text.includes(token), false);
  const row = await legacy.pool.query('SELECT payment_reference FROM payment_orders WHERE order_id = $1', [
    waiting,
  ]);
  const reference = row.rows[0]?.payment_reference;
  assert.equal(await revealToken(legacy.pool, testCipher, reference), waitingToken);
  await assert.rejects(
    legacy.pool.query("UPDATE payment_orders SET token = 'tok_visa' WHERE order_id = $1", [waiting]),
    /payment_orders_token_never_in_clear/,
  );
});

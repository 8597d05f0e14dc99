import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { fingerprint, migrateServiceSchema, migrationsDirOf } from '@microshop/platform';
import { createTestSchema, schemaMigratedUpTo } from '@microshop/platform/testing';
import { service } from '../src/main.ts';
import { asCustomer, givenInstance, orderRequest } from './support.ts';

// A database the service ran on before idempotency keys moved to the platform's table (the dev
// stack's data survives restarts): its keys must still answer with their orders after the upgrade,
// to the order's customer, whose own keys they become once keys are each customer's.

test("keys of the former idempotency_keys table move to the platform table, into their order's customer's keys, and still replay their order", async (t) => {
  const db = await createTestSchema('orders_keys_upgrade', t);
  await schemaMigratedUpTo(service, db, '001_orders.sql', t);

  const body = orderRequest();
  const orderId = randomUUID();
  await db.pool.query(
    `WITH o AS (INSERT INTO orders (id, customer_id, currency, total, status, created_at, updated_at)
                VALUES ($1, $2, 'EUR', 5999, 'CREATED', now(), now())),
          i AS (INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price)
                VALUES ($1, 0, 'JUMPERS', 2, 2500), ($1, 1, 'STOCKINGS', 1, 999)),
          h AS (INSERT INTO order_status_history (order_id, seq, status, at) VALUES ($1, 1, 'CREATED', now()))
     INSERT INTO idempotency_keys (key, fingerprint, order_id) VALUES ('before-upgrade', $3, $1)`,
    [orderId, body.customerId, fingerprint(body)],
  );

  await migrateServiceSchema(db.pool, { schema: db.name, dir: migrationsDirOf(service) });
  const { app } = await givenInstance(db, t);
  const post = async (payload: object) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: await asCustomer(body.customerId, { 'idempotency-key': 'before-upgrade' }),
      payload,
    });

  const replay = await post(body);
  assert.equal(replay.statusCode, 200, replay.body);
  assert.equal(replay.json().id, orderId);
  assert.equal((await post({ ...body, currency: 'USD' })).statusCode, 422);
  const gone = await db.pool.query("SELECT to_regclass('idempotency_keys') AS t");
  assert.equal(gone.rows[0]?.t, null);
});

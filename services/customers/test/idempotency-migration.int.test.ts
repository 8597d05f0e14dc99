import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { fingerprint, migrateServiceSchema, migrationsDirOf } from '@microshop/platform';
import { createTestSchema, schemaMigratedUpTo } from '@microshop/platform/testing';
import { service } from '../src/main.ts';
import { httpApp, uniqueEmail } from './harness.ts';

// A database the service ran on before idempotency keys moved to the platform's table (the dev
// stack's data survives restarts): its keys must still answer with their customers after the upgrade.

test('keys of the former idempotency_keys table move to the platform table and still replay their customer', async (t) => {
  const db = await createTestSchema('customers_keys_upgrade', t);
  await schemaMigratedUpTo(service, db, '001_customers.sql', t);

  const body = { name: 'Dora', email: uniqueEmail('dora'), level: 'gold' };
  const customerId = randomUUID();
  await db.pool.query(
    `WITH c AS (INSERT INTO customers (id, name, email, level, created_at, updated_at)
                VALUES ($1, $2, $3, $4, now(), now()))
     INSERT INTO idempotency_keys (key, fingerprint, customer_id) VALUES ('before-upgrade', $5, $1)`,
    [customerId, body.name, body.email, body.level, fingerprint(body)],
  );

  await migrateServiceSchema(db.pool, { schema: db.name, dir: migrationsDirOf(service) });
  const app = await httpApp(db);
  t.after(() => app.close());
  const post = (payload: object) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: { 'idempotency-key': 'before-upgrade' },
      payload,
    });

  const replay = await post(body);
  assert.equal(replay.statusCode, 200, replay.body);
  assert.equal(replay.json().id, customerId);
  assert.equal((await post({ ...body, name: 'Someone else' })).statusCode, 422);
  const gone = await db.pool.query("SELECT to_regclass('idempotency_keys') AS t");
  assert.equal(gone.rows[0]?.t, null);
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import {
  claimIdempotencyKey,
  fingerprint,
  migrateServiceSchema,
  migrationsDirOf,
  withTransaction,
} from '@microshop/platform';
import { createTestSchema, schemaMigratedUpTo } from '@microshop/platform/testing';
import { service } from '../src/main.ts';
import { uniqueEmail } from './harness.ts';

// A database the service ran on before idempotency keys moved to the platform's table (the dev
// stack's data survives restarts): its keys must still answer with their customers after the upgrade.

test('keys of the former idempotency_keys table move to the platform table and still replay their customer there', async (t) => {
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
  // Registrations are an operator's now, and keys are each caller's own: keys from before belong to
  // no caller (the empty scope), where they still replay their customer until retention drops them.
  const claim = (payload: object) =>
    withTransaction(db.pool, (client) =>
      claimIdempotencyKey(client, { key: 'before-upgrade', body: payload, scope: '' }, randomUUID()),
    );

  assert.deepEqual(await claim(body), { status: 'replay', resourceId: customerId });
  await assert.rejects(claim({ ...body, name: 'Someone else' }), /already used with a different request/);
  const gone = await db.pool.query("SELECT to_regclass('idempotency_keys') AS t");
  assert.equal(gone.rows[0]?.t, null);
});

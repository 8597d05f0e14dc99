import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idempotencyTableSql } from '../src/idempotency.ts';
import { inboxTableSql } from '../src/inbox.ts';
import { kitRetentionRules, pruneAll, pruneExpired } from '../src/retention.ts';
import { createTestSchema } from '../src/testing/index.ts';

test('inbox rows older than the retention window are pruned in batches; newer ones stay', async (t) => {
  const db = await createTestSchema('retention', t);
  await db.pool.query(inboxTableSql(db.name));
  await db.pool.query(
    `INSERT INTO inbox (consumer, event_id, topic, partition, "offset", handled_at)
     SELECT 'orders', 'old-' || i, 'microshop.payments', 0, i, now() - interval '15 days'
     FROM generate_series(1, 25) AS i`,
  );
  await db.pool.query(
    `INSERT INTO inbox (consumer, event_id, topic, partition, "offset", handled_at)
     VALUES ('orders', 'recent', 'microshop.payments', 0, 26, now() - interval '13 days'),
            ('orders', 'now', 'microshop.payments', 0, 27, now())`,
  );

  const deleted = await pruneExpired(
    db.pool,
    { table: 'inbox', column: 'handled_at', keepMs: 14 * 24 * 3_600_000 },
    { batchSize: 10 },
  );

  assert.equal(deleted, 25);
  const left = await db.pool.query('SELECT event_id FROM inbox ORDER BY event_id');
  assert.deepEqual(
    left.rows.map((row) => row.event_id),
    ['now', 'recent'],
  );
});

test('the kit prunes idempotency keys after 7 days and inbox rows after 14 by default, each table by its own window', async (t) => {
  const db = await createTestSchema('retention_kit', t);
  await db.pool.query(inboxTableSql(db.name));
  await db.pool.query(idempotencyTableSql(db.name));
  await db.pool.query(
    `INSERT INTO idempotency (key, fingerprint, resource_id, created_at)
     VALUES ('week-old', 'f', 'r1', now() - interval '8 days'), ('fresh', 'f', 'r2', now() - interval '6 days')`,
  );
  await db.pool.query(
    `INSERT INTO inbox (consumer, event_id, topic, partition, "offset", handled_at)
     VALUES ('orders', 'eight-days', 'microshop.payments', 0, 1, now() - interval '8 days')`,
  );

  const deleted = await pruneAll(db.pool, kitRetentionRules());

  assert.deepEqual(deleted, { inbox: 0, idempotency: 1 });
  const keys = await db.pool.query('SELECT key FROM idempotency');
  assert.deepEqual(
    keys.rows.map((row) => row.key),
    ['fresh'],
  );
  assert.deepEqual(
    kitRetentionRules({ inboxHours: 1, idempotencyHours: 2 }).map((rule) => [rule.table, rule.keepMs]),
    [
      ['inbox', 3_600_000],
      ['idempotency', 7_200_000],
    ],
  );
});

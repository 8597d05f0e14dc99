import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idempotencyTableSql } from '../src/idempotency.ts';
import { inboxTableSql } from '../src/inbox.ts';
import { defaultOutboxRetentionMs, outboxTableSql } from '../src/outbox.ts';
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

test('the kit prunes idempotency keys after 7 days, outbox rows after 3 and inbox rows after 14 by default, each table by its own window', async (t) => {
  const db = await createTestSchema('retention_kit', t);
  await db.pool.query(inboxTableSql(db.name));
  await db.pool.query(idempotencyTableSql(db.name));
  await db.pool.query(outboxTableSql(db.name));
  await db.pool.query(
    `INSERT INTO idempotency (key, fingerprint, resource_id, created_at)
     VALUES ('week-old', 'f', 'r1', now() - interval '8 days'), ('fresh', 'f', 'r2', now() - interval '6 days')`,
  );
  await db.pool.query(
    `INSERT INTO inbox (consumer, event_id, topic, partition, "offset", handled_at)
     VALUES ('orders', 'eight-days', 'microshop.payments', 0, 1, now() - interval '8 days')`,
  );

  const deleted = await pruneAll(db.pool, kitRetentionRules());

  assert.deepEqual(deleted, { inbox: 0, idempotency: 1, outbox: 0 });
  const keys = await db.pool.query('SELECT key FROM idempotency');
  assert.deepEqual(
    keys.rows.map((row) => row.key),
    ['fresh'],
  );
  assert.deepEqual(
    kitRetentionRules({ inboxHours: 1, idempotencyHours: 2, outboxHours: 3 }).map((rule) => [
      rule.table,
      rule.keepMs,
    ]),
    [
      ['inbox', 3_600_000],
      ['idempotency', 7_200_000],
      ['outbox', 10_800_000],
    ],
  );
});

test('outbox rows are kept for the outbox retention window, then pruned', async (t) => {
  const db = await createTestSchema('retention_outbox', t);
  await db.pool.query(outboxTableSql(db.name));
  await db.pool.query(
    `INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, created_at)
     SELECT gen_random_uuid(), 'microshop.payments', 'order-' || i, 'PaymentSucceeded', '{}', now() - age
     FROM generate_series(1, 3) AS i,
          (VALUES (interval '4 days'), (interval '71 hours'), (interval '0 hours')) AS ages(age)`,
  );

  const deleted = await pruneExpired(db.pool, {
    table: 'outbox',
    column: 'created_at',
    keepMs: defaultOutboxRetentionMs,
  });

  assert.equal(deleted, 3, 'the three rows older than 3 days');
  const left = await db.pool.query('SELECT count(*)::int AS n FROM outbox');
  assert.equal(left.rows[0]?.n, 6, 'the rows of the last 3 days stay, to be streamed again if need be');
});

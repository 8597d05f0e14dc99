import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inboxTableSql } from '../src/inbox.ts';
import { pruneExpired } from '../src/retention.ts';
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

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inboxTableSql } from '../src/inbox.ts';
import { handleTransactionallyMany, transactional } from '../src/kafka/transactional.ts';
import { outboxMessage, outboxTableSql } from '../src/outbox.ts';
import { consumedMessage, createTestSchema, testLogger } from '../src/testing/index.ts';

const logger = testLogger('transactional-test');

test('a batch is one transaction: each new event applied once in order, repeats skipped, one outbox write, effects after commit', async (t) => {
  const db = await createTestSchema('transactional_many', t);
  await db.pool.query(outboxTableSql(db.name));
  await db.pool.query(inboxTableSql(db.name));
  await db.pool.query('CREATE TABLE applied (n int, seen_before int)');
  const effects: string[] = [];
  const handler = transactional<{ id: string; type: string; n: number }>({
    decode: (message) =>
      (message.value as { type: string }).type === 'Counted'
        ? (message.value as { id: string; type: string; n: number })
        : null,
    apply: async (event, tx) => {
      const before = await tx.client.query('SELECT count(*)::int AS c FROM applied');
      await tx.client.query('INSERT INTO applied VALUES ($1, $2)', [event.n, before.rows[0].c]);
      tx.publish(
        outboxMessage(
          { id: crypto.randomUUID(), type: 'Noted', occurredAt: new Date().toISOString(), source: 'test' },
          { topic: 'microshop.payments', key: String(event.n) },
        ),
      );
      tx.afterCommit(() => effects.push(`after ${event.n}`));
    },
  });
  const event = (n: number) => ({ id: `evt-${n}`, type: 'Counted', n });
  const messages = [event(1), event(2), { id: 'x', type: 'Other' }, event(2), event(3)].map((value) =>
    consumedMessage(value, { topic: 'microshop.payments', key: 'k' }),
  );

  const outcomes = await handleTransactionallyMany(
    handler,
    { pool: db.pool, consumer: 'c' },
    messages,
    logger,
  );
  const again = await handleTransactionallyMany(handler, { pool: db.pool, consumer: 'c' }, messages, logger);

  assert.deepEqual(outcomes, ['applied', 'applied', 'ignored', 'skipped', 'applied']);
  assert.deepEqual(again, ['skipped', 'skipped', 'ignored', 'skipped', 'skipped']);
  const applied = await db.pool.query('SELECT n, seen_before FROM applied ORDER BY n');
  assert.deepEqual(
    applied.rows,
    [
      { n: 1, seen_before: 0 },
      { n: 2, seen_before: 1 },
      { n: 3, seen_before: 2 },
    ],
    'a later event sees what an earlier one of its batch wrote',
  );
  assert.deepEqual(effects, ['after 1', 'after 2', 'after 3']);
  const inbox = await db.pool.query("SELECT count(*)::int AS n FROM inbox WHERE consumer = 'c'");
  assert.equal(inbox.rows[0].n, 3);
});

// The kit's outbox guarantee against the real stack: PostgreSQL → Debezium (Kafka Connect) → Kafka.
// A row written in a rolled-back transaction never reaches Kafka; a committed one does, exactly
// once per row, on the topic named by the row, keyed by its aggregate id, with the event id in the
// `id` header and the envelope as the JSON value.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { TopicName } from '@microshop/contracts';
import {
  appendToOutbox,
  type OutboxMessage,
  outboxTableSql,
  publishOutbox,
  withTransaction,
} from '@microshop/platform';
import {
  type CleanupRegistrar,
  collectMessages,
  createTestSchema,
  createTestTopics,
  uniqueTopic,
} from '@microshop/platform/testing';

function message(topic: string, key: string, n: number): OutboxMessage {
  const id = randomUUID();
  return {
    id,
    topic: topic as TopicName,
    key,
    type: 'TestHappened',
    payload: { id, type: 'TestHappened', occurredAt: new Date().toISOString(), source: 'test', n },
  };
}

/** A test schema whose outbox Debezium streams, and a topic of three partitions for its rows. */
async function streamedOutbox(t: CleanupRegistrar, prefix: string) {
  const schema = await createTestSchema(prefix, t);
  await schema.pool.query(outboxTableSql(schema.name));
  await publishOutbox(schema.pool, schema.name);
  const [topic] = await createTestTopics(t, [{ name: uniqueTopic(prefix), partitions: 3 }]);
  assert.ok(topic);
  return { schema, topic };
}

describe('transactional outbox streamed by Debezium', () => {
  it('publishes committed rows exactly once, keyed and routed as written, and never rolled-back ones', async (t) => {
    const { schema, topic } = await streamedOutbox(t, 'cdc');

    const committed = Array.from({ length: 20 }, (_, i) => message(topic, `customer-${i % 4}`, i));
    const rolledBack = Array.from({ length: 5 }, (_, i) => message(topic, 'customer-rollback', 100 + i));
    await withTransaction(schema.pool, (c) => appendToOutbox(c, committed.slice(0, 10)));
    await assert.rejects(
      withTransaction(schema.pool, async (c) => {
        await appendToOutbox(c, rolledBack);
        throw new Error('business rule failed after writing the outbox');
      }),
      /business rule failed/,
    );
    for (const m of committed.slice(10)) await withTransaction(schema.pool, (c) => appendToOutbox(c, [m]));
    // A sentinel committed last: once it and every committed row have arrived, a second full read of
    // the topic shows whether anything else (a rolled-back row, a duplicate) arrived too.
    const sentinel = message(topic, 'customer-rollback', 999);
    await withTransaction(schema.pool, (c) => appendToOutbox(c, [sentinel]));
    const expected = new Set([...committed, sentinel].map((m) => m.id));
    await collectMessages({
      topic,
      until: (ms) => ms.filter((m) => m.eventId !== null && expected.has(m.eventId)).length >= expected.size,
      timeoutMs: 30_000,
    });
    const received = await collectMessages({ topic, timeoutMs: 2000 });

    const byId = new Map(received.map((m) => [m.eventId, m]));
    assert.equal(received.length, committed.length + 1, 'every committed row once, nothing else');
    for (const m of committed) {
      const got = byId.get(m.id);
      assert.ok(got, `committed event ${m.id} reached Kafka`);
      assert.equal(got.key, m.key);
      assert.equal(got.headers.id, m.id);
      assert.equal(got.headers.type, 'TestHappened');
      assert.deepEqual(got.value, m.payload);
    }
    for (const m of rolledBack)
      assert.equal(byId.has(m.id), false, `rolled-back event ${m.id} must not be published`);
    const kept = await schema.pool.query('select count(*)::int as n from outbox');
    assert.equal(kept.rows[0].n, committed.length + 1, 'the table keeps the committed rows, to stream again');
  });

  it('keeps the order of one key across transactions', async (t) => {
    const { schema, topic } = await streamedOutbox(t, 'cdc-order');
    const sequence = Array.from({ length: 30 }, (_, i) => message(topic, 'one-customer', i));
    for (const m of sequence) await withTransaction(schema.pool, (c) => appendToOutbox(c, [m]));

    const received = await collectMessages({ topic, count: sequence.length, timeoutMs: 30_000 });
    assert.deepEqual(
      received.map((m) => (m.value as { n: number }).n),
      sequence.map((_, i) => i),
    );
    assert.equal(new Set(received.map((m) => m.partition)).size, 1, 'one key, one partition');
  });
});

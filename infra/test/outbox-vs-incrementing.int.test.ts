// Why the outbox is relayed by log-based CDC (Debezium), not by a JDBC source connector in `incrementing` mode.
// That connector remembers the highest id it has seen and polls `WHERE id > last ORDER BY id`.
// Ids are taken at INSERT, visibility comes at COMMIT: a transaction that took id 100 and commits
// after the one holding id 101 was polled is never read (kafka-connect-jdbc #27, #915, #1015).
// Here both readers watch the same table while many transactions commit out of id order:
// Debezium publishes every committed row exactly once; the incrementing query misses some.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { outboxTableSql, publishOutbox, withTransaction } from '@microshop/platform';
import {
  collectMessages,
  createTestSchema,
  createTestTopics,
  type TestSchema,
  uniqueTopic,
} from '@microshop/platform/testing';
import type pg from 'pg';

/** The kit's outbox plus the auto-increment id the JDBC connector polls by; rows are kept so it can read them. */
async function createOutboxWithSequence(schema: TestSchema): Promise<void> {
  await schema.pool.query(outboxTableSql(schema.name));
  await schema.pool.query('ALTER TABLE outbox ADD COLUMN seq bigserial UNIQUE');
}

async function insertRow(client: pg.ClientBase, topic: string, n: number): Promise<string> {
  const id = randomUUID();
  const payload = { id, type: 'Numbered', occurredAt: new Date().toISOString(), source: 'test', n };
  await client.query(
    'INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload) VALUES ($1, $2, $3, $4, $5)',
    [id, topic, `key-${n % 7}`, 'Numbered', JSON.stringify(payload)],
  );
  return id;
}

/** The JDBC connector's query, polled in a loop (far more often than its 5 s default, which only helps it). */
function startIncrementingPoller(pool: pg.Pool) {
  let last = 0n;
  const seen: string[] = [];
  let running = true;
  const poll = async () => {
    const r = await pool.query<{ seq: string; id: string }>(
      'SELECT seq, id FROM outbox WHERE seq > $1 ORDER BY seq',
      [last.toString()],
    );
    for (const row of r.rows) {
      seen.push(row.id);
      last = BigInt(row.seq);
    }
  };
  const loop = (async () => {
    while (running) {
      await poll();
      await sleep(2);
    }
    await poll();
  })();
  return {
    seen,
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe('outbox relay: Debezium versus the JDBC incrementing query', () => {
  it('Debezium publishes every row committed out of id order exactly once; the incrementing poller misses some', async (t) => {
    const schema = await createTestSchema('increment', t);
    await createOutboxWithSequence(schema);
    await publishOutbox(schema.pool, schema.name);
    const [topic] = await createTestTopics(t, [{ name: uniqueTopic('increment'), partitions: 3 }]);
    assert.ok(topic);
    const poller = startIncrementingPoller(schema.pool);
    const committed: string[] = [];

    // One deterministic interleaving: A takes the lower id, B takes the next one and commits,
    // the poller reads B, then A commits — A is behind the poller's high-water mark forever.
    const a = await schema.pool.connect();
    await a.query('BEGIN');
    const idA = await insertRow(a, topic, -1);
    const idB = await withTransaction(schema.pool, (c) => insertRow(c, topic, -2));
    committed.push(idB);
    const deadline = Date.now() + 5000;
    while (!poller.seen.includes(idB) && Date.now() < deadline) await sleep(5);
    await a.query('COMMIT');
    a.release();
    committed.push(idA);

    // Then 16 concurrent writers, 300 rows, each transaction holding its id for a random while.
    let n = 0;
    const writer = async () => {
      while (n < 300) {
        const mine = n++;
        const id = await withTransaction(schema.pool, async (c) => {
          const id = await insertRow(c, topic, mine);
          await sleep(Math.random() * 20);
          return id;
        });
        committed.push(id);
      }
    };
    await Promise.all(Array.from({ length: 16 }, writer));
    await sleep(50);
    await poller.stop();

    const received = await collectMessages({
      topic,
      until: (ms) => ms.length >= committed.length,
      timeoutMs: 60_000,
    });
    await sleep(500);
    const late = await collectMessages({ topic, timeoutMs: 1500 });
    const published = late.map((m) => m.eventId);
    assert.equal(received.length, committed.length);
    assert.equal(published.length, committed.length, 'no duplicates arrive later');
    assert.deepEqual(new Set(published), new Set(committed), 'Debezium: every committed row, exactly once');

    const polled = new Set(poller.seen);
    const missed = committed.filter((id) => !polled.has(id));
    t.diagnostic(`incrementing poller missed ${missed.length} of ${committed.length} committed rows`);
    assert.ok(missed.includes(idA), 'the row committed after a higher id was polled is skipped');
    assert.ok(missed.length >= 1);
  });
});

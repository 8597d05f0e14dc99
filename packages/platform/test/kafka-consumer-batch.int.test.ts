import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../src/errors.ts';
import type { ConsumedMessage } from '../src/kafka/codec.ts';
import {
  asBatchHandler,
  asMessageHandler,
  decodingOnce,
  transactional,
  wantsOf,
} from '../src/kafka/transactional.ts';
import {
  collectMessages,
  countMessages,
  createConsumerTestBed,
  createTestSchema,
  testLogger,
  waitUntil,
} from '../src/testing/index.ts';

// Batches: the records a partition has ready are handled together in one transaction; a batch that
// cannot succeed is replayed one record at a time, so a poison record is dead-lettered alone.

const PREFIX = 'consumer-batch';
const logger = testLogger('consumer-batch');
const n = (message: ConsumedMessage) => (message.value as { n: number }).n;

describe('event consumer: batches', { timeout: 90_000 }, () => {
  it('hands a busy partition over in batches, in offset order, each record once', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger });
    const batches: number[][] = [];
    let release: () => void = () => {};
    const firstBatchHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A lone record goes to `handle`, several ready ones to `handleBatch`.
    const take = async (messages: readonly ConsumedMessage[]) => {
      batches.push(messages.map(n));
      if (batches.length === 1) await firstBatchHeld;
    };
    await f.consume((message) => take([message]), { handleBatch: take, maxBatchSize: 20 });
    await f.producer.send([{ topic: f.topic, key: 'k', value: { n: 0 } }]);
    await waitUntil('the first record taken', () => batches.length === 1);
    await f.producer.send(
      Array.from({ length: 50 }, (_, i) => ({ topic: f.topic, key: 'k', value: { n: i + 1 } })),
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the fifty queue up behind the first
    release();
    await waitUntil('all 51 records handled', () => batches.flat().length === 51);

    assert.deepEqual(
      batches.flat(),
      Array.from({ length: 51 }, (_, i) => i),
    );
    assert.ok(batches.length <= 5, `51 records in ${batches.length} batches of at most 20`);
    assert.ok(batches.every((batch) => batch.length <= 20));
    await waitUntilAsync('the offsets committed', async () => (await f.lag()) === 0n);
  });

  it('one transaction per batch: a poison record makes the batch replay one by one — it is dead-lettered, the others applied once', async (t) => {
    const db = await createTestSchema('consumer_batch', t);
    await db.pool.query(
      `CREATE TABLE seen (n int PRIMARY KEY);
       CREATE TABLE inbox (consumer text, event_id text, topic text, partition int, "offset" bigint,
                           handled_at timestamptz DEFAULT now(), PRIMARY KEY (consumer, event_id));
       CREATE TABLE outbox (id uuid PRIMARY KEY, aggregatetype text, aggregateid text, type text,
                            payload jsonb, created_at timestamptz DEFAULT now())`,
    );
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger });
    const handler = transactional<{ id: string; n: number }>({
      decode: (message) => ({ id: String(message.eventId), n: n(message) }),
      apply: async (event, tx) => {
        if (event.n === 7) throw new AppError('VALIDATION_FAILED', 'seven is not allowed');
        await tx.client.query('INSERT INTO seen (n) VALUES ($1)', [event.n]);
      },
    });
    const binding = { pool: db.pool, consumer: f.groupId };
    let poisonInABatch = false;
    const batch = asBatchHandler(handler, binding);
    await f.producer.send(
      Array.from({ length: 12 }, (_, i) => ({
        topic: f.topic,
        key: 'k',
        value: { n: i },
        headers: { id: `e-${i}` },
      })),
    );
    await f.consume(asMessageHandler(handler, binding), {
      handleBatch: async (messages, context) => {
        poisonInABatch ||= messages.some((message) => n(message) === 7);
        await batch(messages, context);
      },
    });
    const [parked] = await collectMessages({ topic: f.deadLetterTopic, count: 1 });
    await waitUntilAsync('every other record applied', async () => (await count(db.pool, 'seen')) === 11);

    assert.ok(poisonInABatch, 'the poison record arrived in a batch with others');
    assert.deepEqual(parked?.value, { n: 7 });
    assert.equal(parked?.headers['dlq.error.code'], 'VALIDATION_FAILED');
    assert.equal(await countMessages(f.deadLetterTopic), 1);
    const seen = await db.pool.query('SELECT n FROM seen ORDER BY n');
    assert.deepEqual(
      seen.rows.map((row) => row.n),
      [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11],
    );
    assert.equal(await count(db.pool, 'inbox'), 11, 'the poison record left no inbox row');
  });

  it('records the handler does not decode never reach it, batch or not; one that breaks its schema still is dead-lettered', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger });
    const handler = decodingOnce(
      transactional<{ id: string; n: number }>({
        decode: (message) => {
          const value = message.value as { n: unknown };
          if (value.n === 'broken') throw new AppError('VALIDATION_FAILED', 'n must be a number');
          return n(message) % 3 === 0 ? { id: String(message.eventId), n: n(message) } : null;
        },
        apply: async () => {},
      }),
    );
    const reached: unknown[] = [];
    const take = async (messages: readonly ConsumedMessage[]) => {
      for (const message of messages) {
        reached.push((message.value as { n: unknown }).n);
        handler.decode(message); // the handler's own decode: throws for the broken one, so it is parked
      }
    };
    await f.producer.send(
      [...Array.from({ length: 12 }, (_, i) => i), 'broken', 12].map((value) => ({
        topic: f.topic,
        key: 'k',
        value: { n: value },
      })),
    );
    await f.consume((message) => take([message]), { handleBatch: take, wants: wantsOf(handler) });
    await waitUntilAsync('the offsets committed', async () => (await f.lag()) === 0n);

    // 'broken' reaches the handler (its decode throws) and, replayed alone, the dead-letter topic; the
    // batch it was in is replayed one by one, so the records before it reach the handler twice.
    assert.deepEqual([...new Set(reached)], [0, 3, 6, 9, 'broken', 12]);
    const [parked] = await collectMessages({ topic: f.deadLetterTopic, count: 1 });
    assert.deepEqual(parked?.value, { n: 'broken' });
    assert.equal(await countMessages(f.deadLetterTopic), 1);
  });
});

async function count(pool: { query: (sql: string) => Promise<{ rows: { n: number }[] }> }, table: string) {
  return (await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n ?? 0;
}

async function waitUntilAsync(what: string, condition: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

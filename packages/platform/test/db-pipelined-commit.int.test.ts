import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { topics } from '@microshop/contracts';
import type pg from 'pg';
import { isUniqueViolation } from '../src/db/pg-errors.ts';
import { createPool } from '../src/db/pool.ts';
import { appendToOutbox, type OutboxMessage, outboxTableSql } from '../src/outbox.ts';
import { createTestSchema, type TestSchema } from '../src/testing/index.ts';
import { countRoundTrips } from './round-trips.ts';

// Inside withTransaction the outbox rows are written when the work is done, in one statement that
// takes the COMMIT along (db/pipelined-begin.ts, `deferToCommit` in db/pool.ts): one round trip fewer,
// and only a statement that succeeded followed by a COMMIT the server answered `COMMIT` counts as
// committed. Round trips are counted by the server's ReadyForQuery answers on a pool of one connection.

const db: TestSchema = await createTestSchema('platform_commit');
await db.pool.query(outboxTableSql(db.name));
await db.pool.query('CREATE TABLE item (id int PRIMARY KEY, note text)');
// Checked only at COMMIT: a transaction that breaks it fails at its COMMIT, not at its statements.
await db.pool.query(
  'CREATE TABLE once (id int, CONSTRAINT once_id UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)',
);
const pool = createPool({
  connectionString: db.url,
  schema: db.name,
  applicationName: 'test:commit',
  max: 1,
});
after(() => pool.end());

const insert = (client: pg.PoolClient, id: number, note = 'x') =>
  client.query('INSERT INTO item (id, note) VALUES ($1, $2)', [id, note]);
const stored = async (id: number) =>
  (await db.pool.query('SELECT note FROM item WHERE id = $1', [id])).rows[0]?.note as string | undefined;
const inOutbox = async (messages: OutboxMessage[]) =>
  (
    await db.pool.query('SELECT count(*)::int AS n FROM outbox WHERE id = ANY($1::uuid[])', [
      messages.map((m) => m.id),
    ])
  ).rows[0]?.n as number;

function event(): OutboxMessage {
  const id = randomUUID();
  const key = randomUUID();
  const payload = { id, type: 'OrderCreated', occurredAt: new Date().toISOString(), source: 'test' };
  return { id, topic: topics.orderOutbox, key, type: 'OrderCreated', payload };
}

/** Runs a transaction on the pool of one connection and counts its round trips. */
const roundTrips = <T>(work: (client: pg.PoolClient) => Promise<T>) => countRoundTrips(pool, work);

describe('withTransaction: COMMIT with the outbox rows', () => {
  test('the outbox insert goes last with the COMMIT; several appends are one statement', async () => {
    // The connection's first outbox insert is parsed with it: it goes alone, COMMIT after it.
    const first = [event()];
    const cold = await roundTrips(async (client) => {
      await insert(client, 1);
      await appendToOutbox(client, first);
      return 'done';
    });
    assert.deepEqual(cold, { trips: 4, result: 'done' }, 'BEGIN, INSERT, outbox, COMMIT');
    const second = [event(), event()];
    const third = [event()];
    const warm = await roundTrips(async (client) => {
      await appendToOutbox(client, second);
      await insert(client, 2, 'two');
      await appendToOutbox(client, third);
      return (await client.query('SELECT note FROM item WHERE id = $1', [2])).rows[0]?.note;
    });
    assert.deepEqual(warm, { trips: 3, result: 'two' }, 'BEGIN+INSERT, SELECT, outbox+COMMIT');
    assert.equal(await stored(2), 'two');
    assert.equal(await inOutbox([...first, ...second, ...third]), 4);
  });

  test('a transaction that only appends is one round trip: BEGIN, the insert and COMMIT together', async () => {
    const messages = [event()];
    const only = await roundTrips(async (client) => appendToOutbox(client, messages));
    assert.equal(only.trips, 1);
    assert.equal(await inOutbox(messages), 1);
  });

  test('an outbox insert that fails fails the transaction: its other writes are rolled back', async () => {
    const taken = [event()];
    await roundTrips((client) => appendToOutbox(client, taken));
    await assert.rejects(
      roundTrips(async (client) => {
        await insert(client, 10);
        await appendToOutbox(client, [event(), ...taken]); // the id is in the outbox already
      }),
      (error) => isUniqueViolation(error, 'outbox_pkey'),
    );
    assert.equal(await stored(10), undefined, 'the insert went with the transaction');
    const next = await roundTrips(async (client) => (await insert(client, 11)).rowCount);
    assert.equal(next.result, 1, 'the connection is usable afterwards');
  });

  test('a COMMIT that fails (a deferred constraint) fails the transaction, with nothing of it kept', async () => {
    const messages = [event()];
    await assert.rejects(
      roundTrips(async (client) => {
        await insert(client, 20);
        await client.query('INSERT INTO once (id) VALUES ($1), ($1)', [1]);
        await appendToOutbox(client, messages);
      }),
      (error) => isUniqueViolation(error, 'once_id'),
    );
    assert.equal(await stored(20), undefined);
    assert.equal(await inOutbox(messages), 0);
    assert.equal((await roundTrips(async (client) => (await insert(client, 21)).rowCount)).result, 1);
  });

  test('a transaction whose failed statement was caught never commits: its outbox insert is refused', async () => {
    const messages = [event()];
    await assert.rejects(
      roundTrips(async (client) => {
        await insert(client, 30);
        await appendToOutbox(client, messages); // deferred: written at the end
        await insert(client, 30).catch(() => 'ignored'); // the transaction is now failed
      }),
      /current transaction is aborted/,
    );
    assert.equal(await stored(30), undefined);
    assert.equal(await inOutbox(messages), 0);
  });

  test('in a transaction begun by hand the rows are written at once', async () => {
    const client = await pool.connect();
    const messages = [event()];
    try {
      await client.query('BEGIN');
      await appendToOutbox(client, messages);
      const seen = await client.query('SELECT count(*)::int AS n FROM outbox WHERE id = $1', [
        messages[0]?.id,
      ]);
      assert.equal(seen.rows[0]?.n, 1, 'visible inside the transaction before it commits');
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    assert.equal(await inOutbox(messages), 0);
  });
});

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type pg from 'pg';
import { isUniqueViolation } from '../src/db/pg-errors.ts';
import { createPool, isInTransaction } from '../src/db/pool.ts';
import { createTestSchema, type TestSchema } from '../src/testing/index.ts';
import { countRoundTrips } from './round-trips.ts';

// A transaction's BEGIN travels with its first statement when that is a prepared statement the
// connection has parsed (db/pipelined-begin.ts): one round trip fewer, the same transaction. Counted
// here by the server's ReadyForQuery answers, one per round trip, on a pool of one connection.

const db: TestSchema = await createTestSchema('platform_begin');
await db.pool.query('CREATE TABLE item (id int PRIMARY KEY, note text)');
const pool = createPool({ connectionString: db.url, schema: db.name, applicationName: 'test:begin', max: 1 });
after(() => pool.end());

const insert = (client: pg.PoolClient, id: number, note = 'x') =>
  client.query('INSERT INTO item (id, note) VALUES ($1, $2)', [id, note]);
const stored = async (id: number) =>
  (await db.pool.query('SELECT note FROM item WHERE id = $1', [id])).rows[0]?.note as string | undefined;

/** Runs a transaction on the pool of one connection and counts its round trips. */
const roundTrips = <T>(
  work: (client: pg.PoolClient) => Promise<T>,
  options: { isolationLevel?: 'serializable' } = {},
) => countRoundTrips(pool, work, options);

describe('withTransaction: BEGIN with the first statement', () => {
  test('a parsed statement takes BEGIN along: one round trip fewer, its result as usual, the work committed', async () => {
    // The first time the connection parses the statement: BEGIN goes alone.
    const first = await roundTrips(async (client) => (await insert(client, 1)).rowCount);
    assert.deepEqual(first, { trips: 3, result: 1 }, 'BEGIN, INSERT, COMMIT');
    const second = await roundTrips(async (client) => {
      const inserted = await insert(client, 2, 'two');
      assert.ok(isInTransaction(client));
      const read = await client.query('SELECT note FROM item WHERE id = $1', [2]);
      return [inserted.rowCount, read.rows];
    });
    assert.deepEqual(second, { trips: 3, result: [1, [{ note: 'two' }]] }, 'BEGIN+INSERT, SELECT, COMMIT');
    assert.equal(await stored(2), 'two');
  });

  test('what the transaction wrote after its pipelined BEGIN is rolled back when it throws', async () => {
    await roundTrips((client) => insert(client, 10));
    await assert.rejects(
      roundTrips(async (client) => {
        await insert(client, 11);
        await insert(client, 10); // a duplicate: the transaction fails
      }),
      (error) => isUniqueViolation(error, 'item_pkey'),
    );
    assert.equal(await stored(11), undefined, 'the first insert went with the transaction');
    const later = await roundTrips(async (client) => (await insert(client, 12)).rowCount);
    assert.equal(later.result, 1, 'the connection is usable afterwards');
  });

  test('a pipelined first statement that fails fails the transaction; nothing stays open', async () => {
    await assert.rejects(
      roundTrips((client) => insert(client, 12)),
      (error) => isUniqueViolation(error, 'item_pkey'),
    );
    const next = await roundTrips(async (client) => {
      await insert(client, 13);
      return (await client.query('SELECT count(*)::int AS n FROM item WHERE id = ANY($1)', [[12, 13]])).rows;
    });
    assert.deepEqual(next.result, [{ n: 2 }]);
    assert.equal(await stored(13), 'x');
  });

  test('the isolation level asked for is the one BEGIN sets, pipelined or not', async () => {
    const level = (client: pg.PoolClient) =>
      client.query('SELECT current_setting($1) AS level', ['transaction_isolation']);
    for (let run = 0; run < 2; run++) {
      const { result } = await roundTrips(async (client) => (await level(client)).rows[0]?.level, {
        isolationLevel: 'serializable',
      });
      assert.equal(result, 'serializable');
    }
  });

  test('a simple first statement goes behind its own BEGIN; work that makes no query sends nothing', async () => {
    const simple = await roundTrips(async (client) => {
      await client.query("INSERT INTO item (id, note) VALUES (20, 'simple')");
      return (client as unknown as { getTransactionStatus(): string }).getTransactionStatus();
    });
    assert.deepEqual(simple, { trips: 3, result: 'T' });
    const none = await roundTrips(async () => 'nothing');
    assert.deepEqual(none, { trips: 0, result: 'nothing' });
    assert.equal(await stored(20), 'simple');
  });
});

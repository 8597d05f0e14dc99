import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { topics } from '@microshop/contracts';
import type pg from 'pg';
import { isUniqueViolation } from '../src/db/pg-errors.ts';
import { createPool, ping, withTransaction } from '../src/db/pool.ts';
import { AppError } from '../src/errors.ts';
import { handleOnce, inboxTableSql } from '../src/inbox.ts';
import { appendToOutbox, type OutboxMessage, outboxTableSql, publishOutbox } from '../src/outbox.ts';
import { createTestSchema, type TestSchema } from '../src/testing/index.ts';

// Top-level await: the schema's cleanup then attaches to the whole file, not to one hook or test.
const db: TestSchema = await createTestSchema('platform_db');
await db.pool.query(outboxTableSql(db.name));
await db.pool.query(inboxTableSql(db.name));
await db.pool.query('CREATE TABLE account (id int PRIMARY KEY, balance int NOT NULL)');
await db.pool.query('CREATE TABLE applied_event (note text)');

async function balance(id: number): Promise<number | undefined> {
  return (await db.pool.query('SELECT balance FROM account WHERE id = $1', [id])).rows[0]?.balance;
}

function orderCreated(customerId = randomUUID()): OutboxMessage {
  const id = randomUUID();
  const payload = {
    id,
    type: 'OrderCreated',
    occurredAt: new Date().toISOString(),
    source: 'test',
    customerId,
  };
  return { id, topic: topics.orderOutbox, key: customerId, type: 'OrderCreated', payload };
}

describe('createPool and withTransaction', () => {
  test("connections use the service's schema as their search_path", async () => {
    const result = await db.pool.query('SHOW search_path');
    assert.equal(result.rows[0]?.search_path, db.name);
  });

  test('a transaction that returns commits its writes and gives back the result', async () => {
    const result = await withTransaction(db.pool, async (client) => {
      await client.query('INSERT INTO account VALUES (1, 100)');
      return 'done';
    });
    assert.equal(result, 'done');
    assert.equal(await balance(1), 100);
  });

  test('a transaction that throws rolls back, rethrows the same error and releases its client', async () => {
    const failure = new Error('business rule broken');
    await assert.rejects(
      withTransaction(db.pool, async (client) => {
        await client.query('INSERT INTO account VALUES (2, 50)');
        throw failure;
      }),
      (error) => error === failure,
    );
    assert.equal(await balance(2), undefined);
    assert.equal(db.pool.idleCount, db.pool.totalCount, 'every client is back in the pool');
  });

  test('a serialization failure becomes a retriable CONCURRENT_UPDATE error', async () => {
    await db.pool.query('INSERT INTO account VALUES (3, 10)');
    const attempt = withTransaction(
      db.pool,
      async (client) => {
        await client.query('SELECT balance FROM account WHERE id = 3'); // takes the snapshot
        await db.pool.query('UPDATE account SET balance = 11 WHERE id = 3'); // someone else commits
        await client.query('UPDATE account SET balance = balance + 1 WHERE id = 3');
      },
      { isolationLevel: 'repeatable read' },
    );
    await assert.rejects(attempt, (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'CONCURRENT_UPDATE');
      assert.equal(error.retriable, true);
      return true;
    });
    assert.equal(await balance(3), 11);
  });

  test('a unique violation passes through unchanged so the caller can map it', async () => {
    await db.pool.query('INSERT INTO account VALUES (4, 0)');
    await assert.rejects(
      withTransaction(db.pool, (client) => client.query('INSERT INTO account VALUES (4, 0)')),
      (error: unknown) => {
        assert.ok(!(error instanceof AppError));
        assert.ok(isUniqueViolation(error, 'account_pkey'));
        assert.ok(!isUniqueViolation(error, 'another_constraint'));
        return true;
      },
    );
  });

  test('ping succeeds on a live database and reports an unreachable one as retriable UPSTREAM_UNAVAILABLE', async () => {
    await ping(db.pool);
    const nowhere = createPool({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      applicationName: 'test',
    });
    after(() => nowhere.end());
    await assert.rejects(ping(nowhere), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'UPSTREAM_UNAVAILABLE');
      assert.equal(error.retriable, true);
      return true;
    });
  });
});

describe('withTransaction when the server ends the connection', () => {
  test('between two queries of a transaction: the transaction fails, the process goes on', async () => {
    await assert.rejects(
      withTransaction(db.pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
        // The server's FATAL arrives while no query of this client runs (as when PostgreSQL restarts).
        await new Promise((resolve) => setTimeout(resolve, 500));
        await client.query('SELECT 1');
      }),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        return true;
      },
    );
    await ping(db.pool);
  });
});

/**
 * A logical replication slot sees what Debezium would see: the changes of committed transactions,
 * read from the write-ahead log. test_decoding prints one line per row change.
 */
async function withDecodingSlot(fn: (readChanges: () => Promise<string[]>) => Promise<void>): Promise<void> {
  const slot = `platform_test_${randomBytes(6).toString('hex')}`;
  await db.pool.query("SELECT pg_create_logical_replication_slot($1, 'test_decoding')", [slot]);
  try {
    await fn(async () => {
      const result = await db.pool.query('SELECT data FROM pg_logical_slot_get_changes($1, NULL, NULL)', [
        slot,
      ]);
      // The slot sees the whole database; keep this test schema's outbox only.
      return result.rows
        .map((row) => row.data as string)
        .filter((line) => line.startsWith(`table ${db.name}.outbox:`));
    });
  } finally {
    await db.pool.query('SELECT pg_drop_replication_slot($1)', [slot]);
  }
}

async function outboxRowCount(): Promise<number> {
  return Number((await db.pool.query('SELECT count(*) AS n FROM outbox')).rows[0]?.n);
}

describe('appendToOutbox', () => {
  test('a committed transaction keeps its rows in the table and each event in the WAL exactly once', async () => {
    await withDecodingSlot(async (readChanges) => {
      const before = await outboxRowCount();
      const messages = [orderCreated(), orderCreated()];
      await withTransaction(db.pool, (client) => appendToOutbox(client, messages));

      assert.equal(await outboxRowCount(), before + 2, 'kept to be streamed again should the slot be lost');
      const inserts = (await readChanges()).filter((line) => line.includes(': INSERT:'));
      assert.equal(inserts.length, 2);
      for (const [index, message] of messages.entries()) {
        const line = inserts[index] ?? '';
        assert.ok(line.includes(`id[uuid]:'${message.id}'`), line);
        assert.ok(line.includes("aggregatetype[text]:'microshop.order-outbox'"), line);
        assert.ok(line.includes(`aggregateid[text]:'${message.key}'`), line);
        assert.ok(line.includes(`"customerId": "${message.key}"`), line);
      }
    });
  });

  test('a rolled-back transaction leaves nothing in the table and nothing in the WAL', async () => {
    await withDecodingSlot(async (readChanges) => {
      const before = await outboxRowCount();
      await assert.rejects(
        withTransaction(db.pool, async (client) => {
          await appendToOutbox(client, [orderCreated()]);
          throw new Error('state change failed after the event was written');
        }),
      );
      assert.equal(await outboxRowCount(), before);
      assert.deepEqual(await readChanges(), []);
    });
  });

  test('outside a transaction it refuses and writes nothing', async () => {
    await withDecodingSlot(async (readChanges) => {
      const client = await db.pool.connect();
      try {
        await assert.rejects(appendToOutbox(client, [orderCreated()]), /must be called inside a transaction/);
      } finally {
        client.release();
      }
      assert.deepEqual(await readChanges(), []);
    });
  });

  test('an envelope whose id differs from the message id is refused', async () => {
    const message = orderCreated();
    const mismatched = { ...message, payload: { ...message.payload, id: randomUUID() } };
    await assert.rejects(
      withTransaction(db.pool, (client) => appendToOutbox(client, [mismatched])),
      /differs from its envelope id/,
    );
  });
});

describe('publishOutbox', () => {
  test('adds each outbox table to the publication once, publishing INSERTs only, even when services start together', async (t) => {
    // A publication of the test's own, so the stack's shared one is left alone.
    const publication = `platform_test_${randomBytes(6).toString('hex')}`;
    t.after(() => db.pool.query(`DROP PUBLICATION IF EXISTS ${publication}`));
    const other = await createTestSchema('platform_db_other', t);
    await other.pool.query(outboxTableSql(other.name));

    const start = (schema: TestSchema) => publishOutbox(schema.pool, schema.name, { publication });
    await Promise.all([start(db), start(other), start(db), start(other), start(db)]);
    await start(db);

    const tables = await db.pool.query(
      'SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1',
      [publication],
    );
    assert.deepEqual(
      tables.rows.sort((a, b) => (a.schemaname < b.schemaname ? -1 : 1)),
      [db.name, other.name].sort().map((schemaname) => ({ schemaname, tablename: 'outbox' })),
    );
    const flags = await db.pool.query(
      'SELECT pubinsert, pubupdate, pubdelete FROM pg_publication WHERE pubname = $1',
      [publication],
    );
    assert.deepEqual(flags.rows, [{ pubinsert: true, pubupdate: false, pubdelete: false }]);
  });
});

describe('handleOnce', () => {
  const delivery = () => ({ eventId: randomUUID(), topic: topics.orderOutbox, partition: 3, offset: 42n });

  async function applyEvent(client: pg.PoolClient, note: string) {
    await client.query('INSERT INTO applied_event VALUES ($1)', [note]);
    return note;
  }

  /** Handles the message once for `consumer`, its effect a row noting the event id. */
  function applyOnce(consumer: string, message: ReturnType<typeof delivery>) {
    return handleOnce(db.pool, consumer, message, (client) => applyEvent(client, message.eventId));
  }

  async function appliedCount(note: string): Promise<number> {
    return Number(
      (await db.pool.query('SELECT count(*) AS n FROM applied_event WHERE note = $1', [note])).rows[0]?.n,
    );
  }

  test('a redelivered message is applied once and skipped the second time', async () => {
    const message = delivery();
    const first = await applyOnce('fraud', message);
    const second = await applyOnce('fraud', message);

    assert.deepEqual(first, { status: 'handled', result: message.eventId });
    assert.deepEqual(second, { status: 'skipped' });
    assert.equal(await appliedCount(message.eventId), 1);
    const inbox = await db.pool.query('SELECT topic, partition, "offset" FROM inbox WHERE event_id = $1', [
      message.eventId,
    ]);
    assert.deepEqual(inbox.rows, [{ topic: 'microshop.order-outbox', partition: 3, offset: '42' }]);
  });

  test('two consumers of the same event each handle it once', async () => {
    const message = delivery();
    const fraud = await applyOnce('fraud', message);
    const inventory = await applyOnce('inventory', message);
    assert.equal(fraud.status, 'handled');
    assert.equal(inventory.status, 'handled');
    assert.equal(await appliedCount(message.eventId), 2);
  });

  test('a handler that throws records nothing, so the next delivery is handled', async () => {
    const message = delivery();
    await assert.rejects(
      handleOnce(db.pool, 'fraud', message, async (client) => {
        await applyEvent(client, message.eventId);
        throw new Error('transient');
      }),
    );
    assert.equal(await appliedCount(message.eventId), 0);
    const retry = await applyOnce('fraud', message);
    assert.equal(retry.status, 'handled');
    assert.equal(await appliedCount(message.eventId), 1);
  });

  test('the same message delivered to two instances at once is applied once', async () => {
    const message = delivery();
    const results = await Promise.all([1, 2, 3].map(() => applyOnce('fraud', message)));
    assert.deepEqual(results.map((r) => r.status).sort(), ['handled', 'skipped', 'skipped']);
    assert.equal(await appliedCount(message.eventId), 1);
  });

  test('outbox rows written by the handler commit with the inbox row and the state change', async () => {
    await withDecodingSlot(async (readChanges) => {
      const message = delivery();
      const event = orderCreated();
      const handle = () =>
        handleOnce(db.pool, 'orders', message, async (client) => {
          await applyEvent(client, message.eventId);
          await appendToOutbox(client, [event]);
        });
      await handle();
      await handle();
      const inserts = (await readChanges()).filter((line) => line.includes(': INSERT:'));
      assert.equal(inserts.length, 1);
      assert.ok(inserts[0]?.includes(event.id));
    });
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { withTransaction } from '../src/db/pool.ts';
import { appendToOutbox, outboxMessage, outboxTableSql } from '../src/outbox.ts';
import { createTestSchema } from '../src/testing/schema.ts';
import { outboxInsertsDuring, parseOutboxInsert, withDecodingSlot } from '../src/testing/wal.ts';

// Reading what Debezium would publish from a test schema's outbox, through the write-ahead log.

const db = await createTestSchema('platform_wal');
await db.pool.query(outboxTableSql(db.name));

function event(note: string) {
  return {
    id: randomUUID(),
    type: 'NoteTaken',
    occurredAt: new Date().toISOString(),
    source: 'test',
    note,
  };
}

async function write(payload: ReturnType<typeof event>, key = 'key-1'): Promise<void> {
  await withTransaction(db.pool, (client) =>
    appendToOutbox(client, [outboxMessage(payload, { topic: 'microshop.order-outbox', key })]),
  );
}

describe('withDecodingSlot', () => {
  test('reads each committed outbox INSERT with its topic, key, type and payload, quotes and all', async () => {
    const quoted = event("it's a 'quoted' note");
    await withDecodingSlot(db, async (readInserts) => {
      assert.deepEqual(await readInserts(), []);
      await write(quoted, 'customer-7');

      const [insert, ...others] = await readInserts();

      assert.deepEqual(others, []);
      assert.equal(insert?.id, quoted.id);
      assert.equal(insert?.topic, 'microshop.order-outbox');
      assert.equal(insert?.key, 'customer-7');
      assert.equal(insert?.type, 'NoteTaken');
      assert.deepEqual(insert?.payload, quoted);
      assert.ok(insert?.line.startsWith(`table ${db.name}.outbox: INSERT:`), insert?.line);
    });
  });

  test('keeps what it read: each read returns every insert since the slot was made, none rolled back', async () => {
    const first = event('first');
    const second = event('second');
    await withDecodingSlot(db, async (readInserts) => {
      await write(first);
      assert.equal((await readInserts()).length, 1);
      await assert.rejects(
        withTransaction(db.pool, async (client) => {
          await appendToOutbox(client, [
            outboxMessage(event('rolled back'), { topic: 'microshop.order-outbox', key: 'k' }),
          ]);
          throw new Error('roll back');
        }),
      );
      await write(second);
      assert.deepEqual(
        (await readInserts()).map((insert) => insert.payload.note),
        ['first', 'second'],
      );
    });
  });

  test('drops its slot afterwards, also when the test inside fails', async () => {
    const slots: string[] = [];
    const watched = {
      name: db.name,
      pool: new Proxy(db.pool, {
        get: (pool, property) =>
          property === 'query'
            ? (text: string, values?: unknown[]) => {
                if (text.includes('pg_create_logical_replication_slot')) slots.push(String(values?.[0]));
                return pool.query(text, values);
              }
            : Reflect.get(pool, property),
      }),
    };
    await assert.rejects(
      withDecodingSlot(watched, async () => {
        throw new Error('assertion inside');
      }),
      /assertion inside/,
    );
    assert.equal(slots.length, 1);
    const left = await db.pool.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slots[0]]);
    assert.equal(left.rowCount, 0);
  });
});

describe('outboxInsertsDuring', () => {
  test('returns the inserts committed while the function ran, and its value is not needed', async () => {
    const noted = event('during');
    const inserts = await outboxInsertsDuring(db, () => write(noted));
    assert.deepEqual(
      inserts.map((insert) => insert.payload),
      [noted],
    );
  });
});

describe('parseOutboxInsert', () => {
  test('tells the type column from aggregatetype and the id from aggregateid', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const line =
      "table s.outbox: INSERT: id[uuid]:'11111111-1111-4111-8111-111111111111' aggregatetype[text]:'t.x' " +
      "aggregateid[text]:'k-1' type[text]:'Thing' payload[jsonb]:'{\"a\": \"b''c\"}' created_at[timestamp with time zone]:'2025-03-01 10:00:00+00' " +
      `traceparent[text]:'${traceparent}'`;
    const insert = parseOutboxInsert(line);
    assert.deepEqual(
      { ...insert, line: undefined },
      {
        line: undefined,
        id: '11111111-1111-4111-8111-111111111111',
        topic: 't.x',
        key: 'k-1',
        type: 'Thing',
        payload: { a: "b'c" },
        traceparent,
      },
    );
  });
});

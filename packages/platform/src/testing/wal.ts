import { randomBytes } from 'node:crypto';
import type { TestSchema } from './schema.ts';

/**
 * What Debezium would publish from a test schema's outbox, read from the write-ahead log through a
 * `test_decoding` logical slot: committed INSERTs only, in commit order, and never a rolled-back one.
 */

/** One outbox INSERT as the write-ahead log shows it (test_decoding's text form), and its columns. */
export interface OutboxInsert {
  /** The whole line, e.g. `table s.outbox: INSERT: id[uuid]:'…' aggregatetype[text]:'…' …`. */
  line: string;
  id: string;
  /** `aggregatetype`: the topic Debezium routes the row to. */
  topic: string;
  /** `aggregateid`: the Kafka key. */
  key: string;
  type: string;
  payload: Record<string, unknown>;
  /** The W3C trace context the row carries ('' outside a trace). */
  traceparent: string;
}

/**
 * Runs `fn` with a slot open on the database: `readInserts` returns every INSERT into `db`'s outbox
 * committed since the slot was made (all of them, each call: earlier ones are kept). The slot is
 * dropped afterwards, even if `fn` throws.
 */
export async function withDecodingSlot<T>(
  db: Pick<TestSchema, 'name' | 'pool'>,
  fn: (readInserts: () => Promise<OutboxInsert[]>) => Promise<T>,
): Promise<T> {
  const slot = `test_outbox_${randomBytes(6).toString('hex')}`;
  await db.pool.query("SELECT pg_create_logical_replication_slot($1, 'test_decoding')", [slot]);
  const seen: OutboxInsert[] = [];
  const prefix = `table ${db.name}.outbox: INSERT:`;
  try {
    return await fn(async () => {
      const result = await db.pool.query<{ data: string }>(
        'SELECT data FROM pg_logical_slot_get_changes($1, NULL, NULL)',
        [slot],
      );
      for (const { data } of result.rows) if (data.startsWith(prefix)) seen.push(parseOutboxInsert(data));
      return [...seen];
    });
  } finally {
    await db.pool.query('SELECT pg_drop_replication_slot($1)', [slot]);
  }
}

/** The outbox INSERTs committed while `fn` ran. */
export function outboxInsertsDuring(
  db: Pick<TestSchema, 'name' | 'pool'>,
  fn: () => Promise<unknown>,
): Promise<OutboxInsert[]> {
  return withDecodingSlot(db, async (readInserts) => {
    await fn();
    return readInserts();
  });
}

/** test_decoding prints each column as `name[type]:'value'`, with single quotes doubled. */
export function parseOutboxInsert(line: string): OutboxInsert {
  const column = (name: string): string => {
    const match = new RegExp(`\\s${name}\\[[^\\]]+\\]:'((?:[^']|'')*)'`).exec(line);
    if (match?.[1] === undefined) throw new Error(`no ${name} in WAL line: ${line}`);
    return match[1].replaceAll("''", "'");
  };
  return {
    line,
    id: column('id'),
    topic: column('aggregatetype'),
    key: column('aggregateid'),
    type: column('type'),
    payload: JSON.parse(column('payload')),
    traceparent: column('traceparent'),
  };
}

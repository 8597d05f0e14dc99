import type pg from 'pg';
import { qualified } from './db/identifier.ts';
import { isInTransaction, withTransaction } from './db/pool.ts';
import type { ConsumedMessage } from './kafka/codec.ts';

/**
 * The inbox makes at-least-once delivery look exactly-once: a consumer records each event id in
 * the same transaction as the event's effects, so a redelivered event (after a crash before the
 * offset commit, or a rebalance) finds its id and changes nothing.
 *
 * The one rule every consumer follows (docs/product.md), in code: receive → one transaction (record in inbox, skip if seen; change
 * state; write outbox rows) → commit → commit the Kafka offset. `handleOnce` is that transaction.
 */

export const inboxTable = 'inbox';

/** The one definition of the inbox table; services pass it to `migrate` as `prelude`. */
export function inboxTableSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(schema, inboxTable)} (
    consumer text NOT NULL,
    event_id text NOT NULL,
    topic text NOT NULL,
    partition integer NOT NULL,
    "offset" bigint NOT NULL,
    handled_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
  );
  CREATE INDEX IF NOT EXISTS inbox_handled_at ON ${qualified(schema, inboxTable)} (handled_at)`;
}

/** How long inbox rows are kept: longer than any topic keeps a record that could be delivered again. */
export const defaultInboxRetentionMs = 14 * 24 * 3_600_000;

export interface InboxEntry {
  /** Who handled it, e.g. the consumer group; two consumers of one event each handle it once. */
  consumer: string;
  eventId: string;
  topic: string;
  partition: number;
  offset: bigint | number | string;
}

export interface InboxOptions {
  /** Qualifies the table; without it `inbox` resolves through the client's search_path. */
  schema?: string;
}

/**
 * Records the event as handled. True the first time; false if it was already recorded (the
 * caller skips it). A concurrent first attempt in another transaction makes this wait for that
 * one: if it commits this returns false, if it rolls back this one wins.
 */
export async function recordInbox(
  client: pg.ClientBase,
  entry: InboxEntry,
  options: InboxOptions = {},
): Promise<boolean> {
  if (!isInTransaction(client)) {
    throw new Error('recordInbox must be called inside a transaction (use handleOnce)');
  }
  const table = options.schema === undefined ? inboxTable : qualified(options.schema, inboxTable);
  const result = await client.query({
    name: `inbox.record:${table}`,
    text: `INSERT INTO ${table} (consumer, event_id, topic, partition, "offset")
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (consumer, event_id) DO NOTHING`,
    values: [entry.consumer, entry.eventId, entry.topic, entry.partition, String(entry.offset)],
  });
  return result.rowCount === 1;
}

export type InboxMessage = Omit<InboxEntry, 'consumer'>;

/**
 * Records a batch of events as handled in one statement; returns the ids recorded now, i.e. the ones
 * not seen before (an id twice in the batch is recorded once). The same guarantees as `recordInbox`.
 */
export async function recordInboxMany(
  client: pg.ClientBase,
  consumer: string,
  entries: readonly InboxMessage[],
  options: InboxOptions = {},
): Promise<Set<string>> {
  if (!isInTransaction(client)) {
    throw new Error('recordInboxMany must be called inside a transaction (use handleOnce)');
  }
  const table = options.schema === undefined ? inboxTable : qualified(options.schema, inboxTable);
  const result = await client.query<{ event_id: string }>({
    name: `inbox.recordMany:${table}`,
    text: `INSERT INTO ${table} (consumer, event_id, topic, partition, "offset")
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[])
     ON CONFLICT (consumer, event_id) DO NOTHING
     RETURNING event_id`,
    values: [
      consumer,
      entries.map((entry) => entry.eventId),
      entries.map((entry) => entry.topic),
      entries.map((entry) => entry.partition),
      entries.map((entry) => String(entry.offset)),
    ],
  });
  return new Set(result.rows.map((row) => row.event_id));
}

/**
 * The inbox entry of a consumed message: its event id (the `id` header, else `eventId`, the id in the
 * event itself) and where it was read from.
 */
export function inboxMessageOf(
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  eventId: string,
): InboxMessage {
  return {
    eventId: message.eventId ?? eventId,
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
  };
}

export type HandleOnceResult<T> = { status: 'handled'; result: T } | { status: 'skipped' };

/**
 * Runs `fn` for `message` at most once per `consumer`, atomically with recording it: the inbox
 * row, the state changes and the outbox rows `fn` writes commit together or not at all. If `fn`
 * throws, nothing is recorded and the message can be delivered again.
 */
export async function handleOnce<T>(
  pool: pg.Pool,
  consumer: string,
  message: InboxMessage,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: InboxOptions = {},
): Promise<HandleOnceResult<T>> {
  return withTransaction(pool, async (client): Promise<HandleOnceResult<T>> => {
    const first = await recordInbox(client, { consumer, ...message }, options);
    if (!first) return { status: 'skipped' };
    return { status: 'handled', result: await fn(client) };
  });
}

import type { EnvelopeBase, TopicName } from '@microshop/contracts';
import type pg from 'pg';
import { assertIdentifier, qualified } from './db/identifier.ts';
import { deferToCommit, isInTransaction } from './db/pool.ts';
import { currentTraceparent, tagOrder } from './telemetry/messages.ts';

/**
 * The transactional outbox, in the shape Debezium's Outbox Event Router reads by default:
 * `aggregatetype` routes (our connectors route it to the topic of the same name), `aggregateid`
 * becomes the Kafka key, `payload` the value and `id` the `id` header.
 *
 * Rows are inserted in the caller's transaction. Debezium reads the INSERT from the write-ahead log,
 * so the event is published exactly when the state change commits, and never if it rolls back. No
 * poller, no "sent" flag.
 *
 * Rows are kept for a retention window (`OUTBOX_RETENTION_HOURS`, default 3 days; the kit's retention
 * task deletes older ones, and those DELETEs are not published) so that events can be streamed again
 * from the table if the replication slot is ever lost: `npm run cdc -- recover` has Debezium snapshot
 * the rows written since the last event it surely published (docs/operations.md). Consumers dedupe the
 * copies by event id through their inbox, which is kept longer (14 days).
 */

export const outboxTable = 'outbox';

/** How long outbox rows are kept: long enough to notice a lost slot and re-stream, shorter than the inbox. */
export const defaultOutboxRetentionMs = 3 * 24 * 3_600_000;

/**
 * The one definition of the outbox table; services pass it to `migrate` as `prelude`. A BRIN index on
 * `created_at` (tiny, cheap to keep up for rows appended in time order) serves the retention task and
 * a re-stream of the rows since a given time. `traceparent` is the W3C trace context of the work that
 * wrote the row ('' outside a trace), which the connector places as the record's `traceparent` header
 * (telemetry/messages.ts); added to an older table in place.
 */
export function outboxTableSql(schema: string): string {
  const table = qualified(schema, outboxTable);
  return `CREATE TABLE IF NOT EXISTS ${table} (
    id uuid PRIMARY KEY,
    aggregatetype text NOT NULL,
    aggregateid text NOT NULL,
    type text NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    traceparent text NOT NULL DEFAULT ''
  );
  ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS traceparent text NOT NULL DEFAULT '';
  CREATE INDEX IF NOT EXISTS outbox_created_at ON ${table} USING brin (created_at)`;
}

/** The name Debezium's `table.include.list` needs, e.g. `orders.outbox`. */
export function outboxTableName(schema: string): string {
  return `${assertIdentifier(schema, 'schema name')}.${outboxTable}`;
}

/** The publication Debezium's connector reads (`publication.name`); the stack creates it empty. */
export const outboxPublication = 'microshop_outbox';

/**
 * SQL adding `<schema>.outbox` to the outbox publication, creating the publication first if the
 * database has none (a scratch database). Only INSERTs are published: the retention task's DELETEs
 * never leave the database. Idempotent and safe when several instances run it at once, so it can go
 * in `migrate`'s prelude.
 */
export function publishOutboxSql(schema: string, publication = outboxPublication): string {
  const pub = assertIdentifier(publication, 'publication name');
  const table = qualified(schema, outboxTable);
  // Each step has its own exception block: losing the race to create the publication must not
  // skip adding this schema's table. Concurrent catalog inserts fail with either error code.
  return `DO $publish$
BEGIN
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = '${pub}') THEN
      CREATE PUBLICATION "${pub}" WITH (publish = 'insert');
    END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
  END;
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication_tables
                   WHERE pubname = '${pub}' AND schemaname = '${schema}' AND tablename = '${outboxTable}') THEN
      ALTER PUBLICATION "${pub}" ADD TABLE ${table};
    END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
  END;
END
$publish$`;
}

/** Runs `publishOutboxSql`: call it after the outbox table exists (e.g. after `migrate`). */
export async function publishOutbox(
  db: Pick<pg.Pool, 'query'> | pg.ClientBase,
  schema: string,
  options: { publication?: string } = {},
): Promise<void> {
  await db.query(publishOutboxSql(schema, options.publication));
}

export interface OutboxMessage {
  /** The event id: the envelope's `id`, the Kafka `id` header, the consumers' inbox key. */
  id: string;
  /** Full topic name, e.g. `microshop.order-outbox`. */
  topic: TopicName;
  /** The Kafka key, a plain id string (customer id, order id). */
  key: string;
  /** The event type, e.g. `OrderCreated`. */
  type: string;
  /** The full event envelope, which becomes the Kafka value as JSON. */
  payload: EnvelopeBase & Record<string, unknown>;
  /** The trace context of the work that published it; the active one when the row is written if absent. */
  traceparent?: string;
}

/** The outbox row of an event: its id and type from the envelope, the whole envelope as payload. */
export function outboxMessage(
  event: OutboxMessage['payload'],
  route: { topic: TopicName; key: string },
): OutboxMessage {
  return { id: event.id, topic: route.topic, key: route.key, type: event.type, payload: event };
}

export interface OutboxOptions {
  /** Qualifies the table; without it `outbox` resolves through the client's search_path. */
  schema?: string;
}

/**
 * Writes `messages` to the outbox. `client` MUST be inside the caller's transaction, the same one
 * that changes the state the events describe (use `withTransaction` or `handleOnce`); outside one
 * the event would be published even if the state change later failed, so this refuses to run.
 * Inside `withTransaction` the rows are written when the transaction's work is done, every call's in
 * one statement that takes the COMMIT along (`deferToCommit`): nothing reads the outbox back, and the
 * rows are in the WAL with the state they describe either way. Each message's trace context is taken
 * now, in the caller's span.
 */
export async function appendToOutbox(
  client: pg.ClientBase,
  messages: readonly OutboxMessage[],
  options: OutboxOptions = {},
): Promise<void> {
  if (messages.length === 0) return;
  if (!isInTransaction(client)) {
    throw new Error('appendToOutbox must be called inside a transaction (use withTransaction or handleOnce)');
  }
  for (const message of messages) checkMessage(message);
  const table = options.schema === undefined ? outboxTable : qualified(options.schema, outboxTable);
  const rows = messages.map((m) => (m.traceparent === undefined ? { ...m, traceparent: traced(m) } : m));
  if (!deferToCommit(client, `outbox:${table}`, rows, (all) => outboxInsert(table, all))) {
    await client.query(outboxInsert(table, rows));
  }
}

/** One multi-row insert of `messages` (each with its trace context), prepared once per connection. */
function outboxInsert(table: string, messages: readonly OutboxMessage[]): pg.QueryConfig {
  return {
    name: `outbox.insert:${table}`,
    text: `INSERT INTO ${table} (id, aggregatetype, aggregateid, type, payload, traceparent)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])`,
    values: [
      messages.map((m) => m.id),
      messages.map((m) => m.topic),
      messages.map((m) => m.key),
      messages.map((m) => m.type),
      messages.map((m) => JSON.stringify(m.payload)),
      messages.map((m) => m.traceparent ?? ''),
    ],
  };
}

/** The active trace context, which now also acts on the message's order, if it names one. */
function traced(message: OutboxMessage): string {
  tagOrder(message.payload.orderId);
  return currentTraceparent();
}

/** The id and type appear twice (column and envelope); a mismatch would split the inbox key. */
function checkMessage(message: OutboxMessage): void {
  if (message.key === '') throw new TypeError(`Outbox message ${message.id} has an empty key`);
  if (message.payload.id !== message.id) {
    throw new TypeError(`Outbox message id ${message.id} differs from its envelope id ${message.payload.id}`);
  }
  if (message.payload.type !== message.type) {
    throw new TypeError(
      `Outbox message type ${message.type} differs from its envelope type ${message.payload.type}`,
    );
  }
}

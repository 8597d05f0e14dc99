import { randomBytes } from 'node:crypto';
import { createLogger, type HandlerContext, type Logger, type LogLevel } from '@microshop/platform';
import { createTestSchema, type TestSchema } from '@microshop/platform/testing';
import { migrateSchema } from '../src/store/database.ts';

// What the integration tests share: a migrated throwaway schema, a quiet logger, a WAL reader.

export const logger = createLogger({
  service: 'notifications-test',
  level: (process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'silent',
});

/** A fresh schema with this service's tables, dropped when the file is done (call at top level). */
export async function migratedSchema(prefix: string): Promise<TestSchema> {
  const db = await createTestSchema(prefix);
  await migrateSchema(db.pool, db.name);
  return db;
}

export function handlerContext(log: Logger = logger): HandlerContext {
  return { attempt: 1, signal: new AbortController().signal, logger: log };
}

/** Polls until `condition` resolves truthy; fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  condition: () => Promise<T>,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One outbox INSERT as the write-ahead log shows it to Debezium (test_decoding's text form). */
export interface WalInsert {
  /** `aggregatetype`: the topic Debezium routes the row to. */
  topic: string;
  /** `aggregateid`: the Kafka key. */
  key: string;
  payload: Record<string, unknown>;
}

/**
 * Runs `fn` with a `test_decoding` logical slot open: `readInserts` returns the INSERTs into this
 * schema's outbox committed since the slot was made, which is exactly what Debezium would publish.
 */
export async function withDecodingSlot(
  db: TestSchema,
  fn: (readInserts: () => Promise<WalInsert[]>) => Promise<void>,
): Promise<void> {
  const slot = `notifications_test_${randomBytes(6).toString('hex')}`;
  await db.pool.query("SELECT pg_create_logical_replication_slot($1, 'test_decoding')", [slot]);
  const seen: WalInsert[] = [];
  try {
    await fn(async () => {
      const result = await db.pool.query('SELECT data FROM pg_logical_slot_get_changes($1, NULL, NULL)', [
        slot,
      ]);
      for (const row of result.rows) {
        const line = String(row.data);
        if (line.startsWith(`table ${db.name}.outbox: INSERT:`)) seen.push(parseInsert(line));
      }
      return [...seen];
    });
  } finally {
    await db.pool.query('SELECT pg_drop_replication_slot($1)', [slot]);
  }
}

/** test_decoding prints `name[type]:'value'` with single quotes doubled. */
function parseInsert(line: string): WalInsert {
  const column = (name: string): string => {
    const match = new RegExp(`${name}\\[\\w+\\]:'((?:[^']|'')*)'`).exec(line);
    if (match?.[1] === undefined) throw new Error(`no ${name} in WAL line: ${line}`);
    return match[1].replaceAll("''", "'");
  };
  return {
    topic: column('aggregatetype'),
    key: column('aggregateid'),
    payload: JSON.parse(column('payload')),
  };
}

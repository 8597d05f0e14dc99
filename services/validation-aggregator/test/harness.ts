import { randomBytes } from 'node:crypto';
import {
  createLogger,
  createMetrics,
  type HandlerContext,
  type HttpApp,
  type LogLevel,
} from '@microshop/platform';
import { createTestSchema, type TestSchema } from '@microshop/platform/testing';
import { buildHttp } from '../src/http/routes.ts';
import { migrateSchema } from '../src/store/database.ts';

// What the integration tests share: a migrated throwaway schema, the HTTP app, a WAL reader.

export const logger = createLogger({
  service: 'validation-aggregator-test',
  level: (process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'silent',
});

/** A fresh schema with this service's tables, dropped when the file is done (call at top level). */
export async function migratedSchema(prefix: string): Promise<TestSchema> {
  const db = await createTestSchema(prefix);
  await migrateSchema(db.pool, db.name);
  return db;
}

export async function httpApp(db: TestSchema): Promise<HttpApp> {
  const app = await buildHttp({
    pool: db.pool,
    logger,
    metrics: createMetrics('validation-aggregator-test'),
  });
  await app.ready();
  return app;
}

export function handlerContext(): HandlerContext {
  return { attempt: 1, signal: new AbortController().signal, logger };
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
  line: string;
  payload: Record<string, unknown>;
}

/**
 * Runs `fn` with a `test_decoding` logical slot open and returns the INSERTs into this schema's
 * outbox committed meanwhile: exactly what Debezium would publish.
 */
export async function outboxInsertsDuring(db: TestSchema, fn: () => Promise<void>): Promise<WalInsert[]> {
  const slot = `validation_aggregator_test_${randomBytes(6).toString('hex')}`;
  await db.pool.query("SELECT pg_create_logical_replication_slot($1, 'test_decoding')", [slot]);
  try {
    await fn();
    const result = await db.pool.query('SELECT data FROM pg_logical_slot_get_changes($1, NULL, NULL)', [
      slot,
    ]);
    return result.rows
      .map((row) => String(row.data))
      .filter((line) => line.startsWith(`table ${db.name}.outbox: INSERT:`))
      .map((line) => ({ line, payload: payloadOf(line) }));
  } finally {
    await db.pool.query('SELECT pg_drop_replication_slot($1)', [slot]);
  }
}

/** test_decoding prints `payload[jsonb]:'{…}'` with single quotes doubled. */
function payloadOf(line: string): Record<string, unknown> {
  const match = /payload\[jsonb\]:'((?:[^']|'')*)'/.exec(line);
  if (match?.[1] === undefined) throw new Error(`no payload in WAL line: ${line}`);
  return JSON.parse(match[1].replaceAll("''", "'"));
}

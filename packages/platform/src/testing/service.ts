import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import type { LogLevel } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { inboxTableSql } from '../inbox.ts';
import type { ConsumedMessage } from '../kafka/codec.ts';
import type { HandlerContext } from '../kafka/message-processor.ts';
import { createLogger, type Logger } from '../logger.ts';
import { outboxTableSql } from '../outbox.ts';
import type { ServiceDefinition } from '../service/definition.ts';
import { migrationsDirOf } from '../service/start.ts';
import { migrateServiceSchema } from '../service-schema.ts';
import { type CleanupRegistrar, migratedTestSchema, type TestSchema } from './schema.ts';

/**
 * What a service's integration tests share, made once in its `test/harness.ts`:
 *
 *   export const { logger, migratedSchema, handlerContext } =
 *     serviceTestKit({ service: 'fraud', migrate: migrateSchema });
 */
export interface ServiceTestKit {
  /** Silent unless `TEST_LOG_LEVEL` says otherwise (`TEST_LOG_LEVEL=debug` to watch a failing test). */
  logger: Logger;
  /**
   * A fresh schema with the service's tables, dropped when `t` is done, or without `t` when the file
   * is (then call it at the top level of the file: see `createTestSchema`).
   */
  migratedSchema(prefix: string, t?: CleanupRegistrar): Promise<TestSchema>;
  /** The context the consumer gives a handler on a first attempt, never aborted. */
  handlerContext(log?: Logger): HandlerContext;
}

export function serviceTestKit(
  options:
    | Pick<ServiceDefinition, 'name' | 'database'>
    | {
        service: string;
        /** The service's `migrateSchema`. */
        migrate: (pool: pg.Pool, schema: string) => Promise<unknown>;
      },
): ServiceTestKit {
  const [name, migrate] =
    'service' in options
      ? [options.service, options.migrate]
      : [options.name, (pool: pg.Pool, schema: string) => migrateDefinition(options, pool, schema)];
  const logger = testLogger(`${name}-test`);
  return {
    logger,
    migratedSchema: (prefix, t) => migratedTestSchema(prefix, migrate, t),
    handlerContext: (log = logger) => ({ attempt: 1, signal: new AbortController().signal, logger: log }),
  };
}

/** A logger for tests: silent unless `TEST_LOG_LEVEL` says otherwise (`TEST_LOG_LEVEL=debug`). */
export function testLogger(service: string): Logger {
  return createLogger({
    service,
    level: (process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'silent',
  });
}

/** The service's tables in a test's own schema (never added to Debezium's publication). */
function migrateDefinition(
  definition: Pick<ServiceDefinition, 'name' | 'database'>,
  pool: pg.Pool,
  schema: string,
): Promise<unknown> {
  return migrateServiceSchema(pool, { schema, dir: migrationsDirOf(definition) });
}

let nextOffset = 0n;

/**
 * `event` as the consumer hands it to a handler: the value JSON round-tripped (dates become strings,
 * as on the wire), its `id` as the event id and header `id` (as Debezium sets it), partition 0 and a
 * new offset each call. The key is `key` if given, else the event's `customerId` (the order outbox's
 * key), else null.
 */
export function consumedMessage(
  event: unknown,
  options: { topic: string; key?: string | null },
): ConsumedMessage {
  nextOffset += 1n;
  const value = JSON.parse(JSON.stringify(event)) as unknown;
  const id = stringField(value, 'id');
  return {
    topic: options.topic,
    partition: 0,
    offset: nextOffset,
    key: options.key === undefined ? stringField(value, 'customerId') : options.key,
    value,
    headers: id === null ? {} : { id },
    timestamp: new Date(),
    eventId: id,
  };
}

function stringField(value: unknown, name: string): string | null {
  if (typeof value !== 'object' || value === null || !(name in value)) return null;
  const field = (value as Record<string, unknown>)[name];
  return typeof field === 'string' ? field : null;
}

/**
 * Polls `condition` every 100 ms until it resolves truthy and returns that value; fails naming
 * `what` after `timeoutMs`.
 */
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

/**
 * A test schema as an earlier release of the service left it, for upgrade tests: the platform's outbox
 * and inbox, then the service's migration files up to `lastFile` only. The test writes the data of
 * that release, then runs `migrateServiceSchema` to upgrade it.
 */
export async function schemaMigratedUpTo(
  definition: Pick<ServiceDefinition, 'name' | 'database'>,
  db: TestSchema,
  lastFile: string,
  t: CleanupRegistrar,
): Promise<void> {
  const dir = migrationsDirOf(definition);
  const before = await mkdtemp(join(tmpdir(), `${definition.name}-migrations-`));
  t.after(() => rm(before, { recursive: true, force: true }));
  for (const file of (await readdir(dir)).filter((name) => name <= lastFile && name.endsWith('.sql')))
    await copyFile(join(dir, file), join(before, file));
  const prelude = [outboxTableSql(db.name), inboxTableSql(db.name)];
  await migrate(db.pool, { schema: db.name, dir: before, prelude });
}

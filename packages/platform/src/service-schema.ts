import type pg from 'pg';
import { type MigrateResult, migrate } from './db/migrate.ts';
import { idempotencyTableSql } from './idempotency.ts';
import { inboxTableSql } from './inbox.ts';
import type { Logger } from './logger.ts';
import { outboxTableSql, publishOutboxSql } from './outbox.ts';

export interface ServiceSchemaOptions {
  schema: string;
  /** The service's `migrations/` directory of `NNN_name.sql` files. */
  dir: string;
  logger?: Logger | undefined;
  /**
   * Adds the outbox to Debezium's publication *before* the files run, so rows a migration itself
   * writes to the outbox (demo data) are published too. Off for test schemas: on a stack with
   * Debezium, a test schema in the publication would stream its rows to the real topics.
   */
  publishOutbox?: boolean;
}

/**
 * Creates or updates a service's schema: the platform's outbox, inbox and idempotency tables from
 * their single definition (every service schema has all three, even a service that consumes nothing),
 * then the service's own files. Tests pass a throwaway schema; main passes the configured one.
 */
export function migrateServiceSchema(pool: pg.Pool, options: ServiceSchemaOptions): Promise<MigrateResult> {
  const prelude = [
    outboxTableSql(options.schema),
    inboxTableSql(options.schema),
    idempotencyTableSql(options.schema),
  ];
  if (options.publishOutbox === true) prelude.push(publishOutboxSql(options.schema));
  return migrate(pool, {
    schema: options.schema,
    dir: options.dir,
    prelude,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}

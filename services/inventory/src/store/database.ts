import { fileURLToPath } from 'node:url';
import { type Logger, migrateServiceSchema, type Pool } from '@microshop/platform';

/** The service's own schema; every connection of its pool has it as search_path. */
export const schemaName = 'inventory';

/** `services/inventory/migrations`, wherever the process was started from. */
export const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface MigrateOptions {
  logger?: Logger;
  /**
   * Adds the outbox to Debezium's publication *before* the files run, so the demo products the
   * first migration seeds are published too. Main sets it; tests leave it off, because on a stack
   * with Debezium a test schema in the publication would stream its rows to the real topics.
   */
  publish?: boolean;
}

/** Creates or updates `schema`: the platform's outbox and inbox tables, then this service's files. */
export async function migrateSchema(pool: Pool, schema: string, options: MigrateOptions = {}): Promise<void> {
  await migrateServiceSchema(pool, {
    schema,
    dir: migrationsDir,
    logger: options.logger,
    publishOutbox: options.publish === true,
  });
}

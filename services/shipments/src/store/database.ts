import { fileURLToPath } from 'node:url';
import { type Logger, migrateServiceSchema, type Pool } from '@microshop/platform';

/** The service's own schema; every connection of its pool has it as search_path. */
export const schemaName = 'shipments';

/** `services/shipments/migrations`, wherever the process was started from. */
export const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

/**
 * Creates or updates `schema`: the platform's outbox and inbox tables, then this service's files.
 * Tests pass their own throwaway schema; main passes the configured one.
 */
export async function migrateSchema(pool: Pool, schema: string, logger?: Logger): Promise<void> {
  await migrateServiceSchema(pool, { schema, dir: migrationsDir, logger });
}

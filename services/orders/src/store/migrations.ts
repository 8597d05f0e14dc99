import { fileURLToPath } from 'node:url';
import { type Logger, type MigrateResult, migrateServiceSchema } from '@microshop/platform';
import type pg from 'pg';

/** The schema the orders service owns in the shared database. */
export const ordersSchema = 'orders';

export const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Creates or upgrades the service's tables in `schema`: the platform's outbox and inbox first (its
 * single definition), then migrations/NNN_*.sql. Tests pass a schema of their own.
 */
export function migrateOrders(
  pool: pg.Pool,
  schema: string = ordersSchema,
  logger?: Logger,
): Promise<MigrateResult> {
  return migrateServiceSchema(pool, { schema, dir: migrationsDir, logger });
}

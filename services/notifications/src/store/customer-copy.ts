import { type Customer, type CustomerLevel, customerLevelSchema } from '@microshop/contracts';
import type { PoolClient } from '@microshop/platform';

// This service's copy of the customers, inside the caller's transaction.

/**
 * Stores `customer` unless the copy already holds a version at least as new. True when stored.
 * The comparison happens in the statement, so two instances racing on one customer cannot let
 * the older version win.
 */
export async function upsertIfNewer(
  client: PoolClient,
  customer: Customer,
  eventId: string,
): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO customers (id, name, email, level, updated_at, event_id)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET
       name = excluded.name, email = excluded.email, level = excluded.level,
       updated_at = excluded.updated_at, event_id = excluded.event_id
     WHERE customers.updated_at < excluded.updated_at`,
    [customer.id, customer.name, customer.email, customer.level, customer.updatedAt, eventId],
  );
  return result.rowCount === 1;
}

/** The customer's level, name and address, or null if no event of the customer has arrived yet. */
export async function customerOf(
  client: PoolClient,
  customerId: string,
): Promise<{ level: CustomerLevel; name: string; email: string } | null> {
  const result = await client.query<{ level: string; name: string; email: string }>(
    'SELECT level, name, email FROM customers WHERE id = $1',
    [customerId],
  );
  const row = result.rows[0];
  return row === undefined
    ? null
    : { level: customerLevelSchema.parse(row.level), name: row.name, email: row.email };
}

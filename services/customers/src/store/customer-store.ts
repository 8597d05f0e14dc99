import { type Customer, customerLevelSchema } from '@microshop/contracts';
import type { PoolClient } from '@microshop/platform';
import type pg from 'pg';

// The customers table. Writes run inside the caller's transaction.

export interface CustomerRow {
  id: string;
  name: string;
  email: string;
  level: string;
  created_at: Date;
  updated_at: Date;
}

export const columns = 'id, name, email, level, created_at, updated_at';

export function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    level: customerLevelSchema.parse(row.level),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The customer, or null. `forUpdate` locks the row until the caller's transaction ends. */
export async function loadCustomer(
  db: Pick<pg.ClientBase, 'query'>,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<Customer | null> {
  const lock = options.forUpdate === true ? ' FOR UPDATE' : '';
  const result = await db.query<CustomerRow>(`SELECT ${columns} FROM customers WHERE id = $1${lock}`, [id]);
  const row = result.rows[0];
  return row === undefined ? null : toCustomer(row);
}

export async function insertCustomer(client: PoolClient, customer: Customer): Promise<void> {
  await client.query(`INSERT INTO customers (${columns}) VALUES ($1, $2, $3, $4, $5, $6)`, [
    customer.id,
    customer.name,
    customer.email,
    customer.level,
    customer.createdAt,
    customer.updatedAt,
  ]);
}

export async function updateCustomerRow(client: PoolClient, customer: Customer): Promise<void> {
  await client.query('UPDATE customers SET name = $2, level = $3, updated_at = $4 WHERE id = $1', [
    customer.id,
    customer.name,
    customer.level,
    customer.updatedAt,
  ]);
}

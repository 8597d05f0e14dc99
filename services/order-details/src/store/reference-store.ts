import type { Customer, Product } from '@microshop/contracts';
import type { Pool, PoolClient } from '@microshop/platform';
import type { CatalogEntry, References } from '../domain/rules.ts';

// The copies of customers and catalog. Writes run inside the caller's transaction.

/**
 * Stores the customer unless the copy already holds a version at least as new: a replayed or
 * reordered event never brings an older state back. True if the copy changed.
 */
export async function upsertCustomer(
  client: PoolClient,
  customer: Customer,
  eventId: string,
): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO customers (customer_id, updated_at, event_id) VALUES ($1, $2, $3)
     ON CONFLICT (customer_id) DO UPDATE SET
       updated_at = excluded.updated_at, event_id = excluded.event_id, received_at = now()
     WHERE customers.updated_at < excluded.updated_at`,
    [customer.id, customer.updatedAt, eventId],
  );
  return result.rowCount === 1;
}

/** As `upsertCustomer`, for a product's price and currency. True if the copy changed. */
export async function upsertProduct(client: PoolClient, product: Product, eventId: string): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO products (sku, unit_price, currency, updated_at, event_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (sku) DO UPDATE SET
       unit_price = excluded.unit_price, currency = excluded.currency, updated_at = excluded.updated_at,
       event_id = excluded.event_id, received_at = now()
     WHERE products.updated_at < excluded.updated_at`,
    [product.sku, product.unitPrice, product.currency, product.updatedAt, eventId],
  );
  return result.rowCount === 1;
}

/** What the copies know about the order's customer and skus. */
export async function loadReferences(
  db: Pool | PoolClient,
  customerId: string,
  skus: readonly string[],
): Promise<References> {
  const customer = await db.query('SELECT 1 FROM customers WHERE customer_id = $1', [customerId]);
  const products = await db.query<{ sku: string; unit_price: string; currency: string }>(
    'SELECT sku, unit_price, currency FROM products WHERE sku = ANY($1::text[])',
    [[...new Set(skus)]],
  );
  const entries = products.rows.map(
    (row): CatalogEntry => ({ sku: row.sku, unitPrice: Number(row.unit_price), currency: row.currency }),
  );
  return {
    customerKnown: customer.rowCount === 1,
    products: new Map(entries.map((entry) => [entry.sku, entry])),
  };
}

/**
 * A reference (`customer:<id>` or `sku:<sku>`) as an advisory lock key, per schema. They close the gap
 * between an order that finds its customer missing and parks itself, and the customer's copy that
 * looks for the orders waiting for it: each side could otherwise miss the other's uncommitted row, and
 * the order would wait for its deadline and FAIL although its customer exists.
 */
const lockKey = `hashtextextended(current_schema() || ':' || $1, 0)`;

/**
 * Taken by an order about to park itself, before it looks at the copies again: shared, so orders
 * never wait for each other, only for a copy of that reference being written. Held until commit.
 */
export async function lockReferencesShared(
  client: PoolClient,
  references: { customerId?: string; skus: readonly string[] },
): Promise<void> {
  const keys = [
    ...(references.customerId === undefined ? [] : [`customer:${references.customerId}`]),
    ...references.skus.map((sku) => `sku:${sku}`),
  ].sort();
  for (const key of keys) await client.query(`SELECT pg_advisory_xact_lock_shared(${lockKey})`, [key]);
}

/**
 * Taken by a copy before it is written and the orders waiting for it are looked up: exclusive, so an
 * order parking itself for this reference either committed before (and is found) or looks after this
 * commits (and finds the copy). One per transaction, so no lock cycle with the orders' shared ones.
 */
export async function lockReferenceExclusive(
  client: PoolClient,
  reference: { customerId: string } | { sku: string },
): Promise<void> {
  const key = 'customerId' in reference ? `customer:${reference.customerId}` : `sku:${reference.sku}`;
  await client.query(`SELECT pg_advisory_xact_lock(${lockKey})`, [key]);
}

import type { Customer, Product } from '@microshop/contracts';
import type { Pool, PoolClient } from '@microshop/platform';
import type { CatalogEntry, References } from '../domain/checks.ts';

// The copies of customers and catalog. Writes run inside the caller's transaction (handleOnce).

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

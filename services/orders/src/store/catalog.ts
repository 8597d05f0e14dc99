import type { Product } from '@microshop/contracts';
import type { CatalogPrice } from '../domain/pricing.ts';
import type { Queryable } from './orders-store.ts';

// The copy of the catalog's prices (migrations/004_catalog.sql).

/** Takes the product's price if it is newer than the copy's; false when the copy was as new already. */
export async function upsertCatalogPrice(db: Queryable, product: Product, eventId: string): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO catalog (sku, unit_price, currency, updated_at, event_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (sku) DO UPDATE SET unit_price = excluded.unit_price, currency = excluded.currency,
       updated_at = excluded.updated_at, event_id = excluded.event_id
     WHERE catalog.updated_at < excluded.updated_at`,
    [product.sku, product.unitPrice, product.currency, product.updatedAt, eventId],
  );
  return result.rowCount === 1;
}

/** The copy's prices of `skus`; a sku the copy does not hold is absent from the map. */
export async function catalogPrices(
  db: Queryable,
  skus: readonly string[],
): Promise<Map<string, CatalogPrice>> {
  const result = await db.query<{ sku: string; unit_price: string; currency: string }>(
    'SELECT sku, unit_price, currency FROM catalog WHERE sku = ANY($1::text[])',
    [[...new Set(skus)]],
  );
  return new Map(
    result.rows.map((row) => [row.sku, { unitPrice: Number(row.unit_price), currency: row.currency }]),
  );
}

/** Whether the copy holds any product at all. */
export async function catalogHasProducts(db: Queryable): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM catalog LIMIT 1');
  return result.rowCount === 1;
}

import type { Product, UpsertProductRequest } from '@microshop/contracts';
import { conflict, notFound, type Pool, type PoolClient, withTransaction } from '@microshop/platform';
import { sameProduct, stockRefusal, upserted } from '../domain/catalog.ts';
import { type Publishing, publishProductChanges } from '../store/outbox-events.ts';
import { insertProduct, lockProducts, writeProduct } from '../store/products.ts';

// The operator's writes to the catalog. Each runs in one transaction with its ProductChanged, and
// locks the product row first, so it serialises with the reservations of orders on that product.

/** Sets the units on hand. 404 for an unknown sku; 409 below what is reserved for orders. */
export function setStock(pool: Pool, publishing: Publishing, sku: string, stock: number): Promise<Product> {
  return withTransaction(pool, async (client) => {
    const current = (await lockProducts(client, [sku])).get(sku);
    if (current === undefined) throw notFound('Product', sku);
    return change(client, publishing, current, { ...current, stock });
  });
}

export interface UpsertResult {
  product: Product;
  created: boolean;
}

/**
 * Creates the product, or updates its name, price and currency (and stock when given, under the
 * same rule as setStock). Reservations are never touched.
 */
export function upsertProduct(
  pool: Pool,
  publishing: Publishing,
  sku: string,
  request: UpsertProductRequest,
): Promise<UpsertResult> {
  return withTransaction(pool, async (client) => {
    let current = (await lockProducts(client, [sku])).get(sku);
    if (current === undefined) {
      const at = publishing.now();
      const inserted = await insertProduct(client, sku, request, at);
      if (inserted !== null) {
        await publishProductChanges(client, publishing, [inserted], at);
        return { product: inserted, created: true };
      }
      // Another request created it between our look and our insert: it exists now, so update it.
      current = (await lockProducts(client, [sku])).get(sku);
      if (current === undefined) throw new Error(`product ${sku} neither inserted nor found`);
    }
    return { product: await change(client, publishing, current, upserted(current, request)), created: false };
  });
}

/** Writes `next` over the locked `current` with its event; no write and no event if nothing changes. */
async function change(
  client: PoolClient,
  publishing: Publishing,
  current: Product,
  next: Product,
): Promise<Product> {
  const refusal = stockRefusal(current.sku, current.reserved, next.stock);
  if (refusal !== null) throw conflict(refusal);
  if (sameProduct(current, next)) return current;
  const at = publishing.now();
  const written = await writeProduct(client, next, at);
  await publishProductChanges(client, publishing, [written], at);
  return written;
}

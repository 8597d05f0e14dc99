import type { Product } from '@microshop/contracts';
import type { Pool, PoolClient } from '@microshop/platform';
import { compareSkus, type SkuDelta } from '../domain/stock.ts';

// The products table. Reads go straight to the pool; writes run in the caller's transaction.
// Rows are always locked in sku order ("C" collation), so two transactions never wait on each other
// in a cycle.

export type Queryable = Pick<Pool, 'query'> | PoolClient;

interface ProductRow {
  sku: string;
  name: string;
  unit_price: string;
  currency: string;
  stock: string;
  reserved: string;
  updated_at: Date;
}

const columns = 'sku, name, unit_price, currency, stock, reserved, updated_at';

/** bigint columns come back as text; every value fits a double exactly (bounded by the contracts). */
function toProduct(row: ProductRow): Product {
  return {
    sku: row.sku,
    name: row.name,
    unitPrice: Number(row.unit_price),
    currency: row.currency,
    stock: Number(row.stock),
    reserved: Number(row.reserved),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function listProducts(db: Queryable): Promise<Product[]> {
  const result = await db.query<ProductRow>(`SELECT ${columns} FROM products ORDER BY sku`);
  return result.rows.map(toProduct);
}

export async function findProduct(db: Queryable, sku: string): Promise<Product | null> {
  const result = await db.query<ProductRow>(`SELECT ${columns} FROM products WHERE sku = $1`, [sku]);
  const row = result.rows[0];
  return row === undefined ? null : toProduct(row);
}

/** Locks the products of `skus` (those that exist) in sku order; keyed by sku. */
export async function lockProducts(
  client: PoolClient,
  skus: readonly string[],
): Promise<Map<string, Product>> {
  if (skus.length === 0) return new Map();
  const result = await client.query<ProductRow>(
    `SELECT ${columns} FROM products WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE`,
    [skus],
  );
  return new Map(result.rows.map((row) => [row.sku, toProduct(row)]));
}

/** Adds each delta to its product's stock and reserved; returns the products after, in sku order. */
export async function applyDeltas(
  client: PoolClient,
  deltas: readonly SkuDelta[],
  at: Date,
): Promise<Product[]> {
  if (deltas.length === 0) return [];
  const result = await client.query<ProductRow>(
    `UPDATE products AS p
     SET stock = p.stock + d.stock, reserved = p.reserved + d.reserved, updated_at = $4
     FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS d(sku, stock, reserved)
     WHERE p.sku = d.sku
     RETURNING p.sku, p.name, p.unit_price, p.currency, p.stock, p.reserved, p.updated_at`,
    [deltas.map((d) => d.sku), deltas.map((d) => d.stock), deltas.map((d) => d.reserved), at],
  );
  return result.rows.map(toProduct).sort((a, b) => compareSkus(a.sku, b.sku));
}

/** Writes the product's operator-owned fields (name, price, currency, stock); `reserved` stays. */
export async function writeProduct(client: PoolClient, product: Product, at: Date): Promise<Product> {
  const result = await client.query<ProductRow>(
    `UPDATE products SET name = $2, unit_price = $3, currency = $4, stock = $5, updated_at = $6
     WHERE sku = $1
     RETURNING ${columns}`,
    [product.sku, product.name, product.unitPrice, product.currency, product.stock, at],
  );
  return only(result.rows, product.sku);
}

/** Inserts a new product; null if the sku exists already (another request created it first). */
export async function insertProduct(client: PoolClient, product: Product, at: Date): Promise<Product | null> {
  const result = await client.query<ProductRow>(
    `INSERT INTO products (sku, name, unit_price, currency, stock, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6)
     ON CONFLICT (sku) DO NOTHING
     RETURNING ${columns}`,
    [product.sku, product.name, product.unitPrice, product.currency, product.stock, at],
  );
  const row = result.rows[0];
  return row === undefined ? null : toProduct(row);
}

function only(rows: readonly ProductRow[], sku: string): Product {
  const row = rows[0];
  if (row === undefined) throw new Error(`product ${sku} vanished while locked`);
  return toProduct(row);
}

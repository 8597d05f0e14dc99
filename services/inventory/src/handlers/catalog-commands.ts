import type { Product, UpsertProductRequest } from '@microshop/contracts';
import {
  appendToOutbox,
  conflict,
  notFound,
  type Pool,
  type PoolClient,
  unreachable,
  withTransaction,
} from '@microshop/platform';
import { auditedChanges } from '../domain/audit.ts';
import { type CatalogCommand, type CatalogEvent, decide } from '../domain/catalog.ts';
import { recordAudit } from '../store/audit.ts';
import { insertProduct, lockProducts, writeProduct } from '../store/products.ts';
import { type Publishing, productChangeMessages } from './publishing.ts';

// The operator's writes to the catalog (PUT …/stock, PUT /products/{sku}). Each runs in one
// transaction with its ProductChanged and its audit entries (who, when, each field before and
// after), and locks the product row first, so it serialises with the reservations of orders on that
// product.

/** Who makes a change: the principal's subject, for the audit. */
export type Actor = string;

/** Sets the units on hand. 404 for an unknown sku; 409 below what is reserved for orders. */
export function setStock(
  pool: Pool,
  publishing: Publishing,
  sku: string,
  stock: number,
  actor: Actor,
): Promise<Product> {
  return withTransaction(pool, async (client) => {
    const command: CatalogCommand = { type: 'SetStock', sku, stock, at: publishing.now() };
    const outcome = await run(client, { publishing, actor }, command, await lockOne(client, sku));
    if (outcome === 'raced') throw new Error(`product ${sku} added while locked`);
    return outcome.product;
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
  actor: Actor,
): Promise<UpsertResult> {
  return withTransaction(pool, async (client) => {
    const command: CatalogCommand = { type: 'UpsertProduct', sku, request, at: publishing.now() };
    const context = { publishing, actor };
    const first = await run(client, context, command, await lockOne(client, sku));
    if (first !== 'raced') return first;
    // Another request created it between our look and our insert: it exists now, so update it.
    const again = await run(client, context, command, await lockOne(client, sku));
    if (again === 'raced') throw new Error(`product ${sku} neither inserted nor found`);
    return again;
  });
}

/**
 * Decides on the locked `current` and writes what was decided with its ProductChanged; no write and
 * no event when nothing changes. 'raced': the product to add exists already (inserted meanwhile).
 */
interface ChangeContext {
  publishing: Publishing;
  actor: Actor;
}

async function run(
  client: PoolClient,
  context: ChangeContext,
  command: CatalogCommand,
  current: Product | null,
): Promise<UpsertResult | 'raced'> {
  let result: UpsertResult | null = current === null ? null : { product: current, created: false };
  for (const event of decide(command, current)) {
    const applied = await apply(client, context, event, current, command.at);
    if (applied === 'raced') return 'raced';
    result = applied;
  }
  // decide adds a product it does not find, or refuses: there is always one here.
  if (result === null) throw new Error(`product ${command.sku} neither found nor added`);
  return result;
}

async function apply(
  client: PoolClient,
  context: ChangeContext,
  event: CatalogEvent,
  before: Product | null,
  at: Date,
): Promise<UpsertResult | 'raced'> {
  switch (event.type) {
    case 'ProductUnknown':
      throw notFound('Product', event.sku);
    case 'StockChangeRefused':
      throw conflict(event.reason);
    case 'ProductAdded': {
      const inserted = await insertProduct(client, event.product, at);
      if (inserted === null) return 'raced';
      await announce(client, context, null, inserted, at);
      return { product: inserted, created: true };
    }
    case 'ProductEdited': {
      const written = await writeProduct(client, event.product, at);
      await announce(client, context, before, written, at);
      return { product: written, created: false };
    }
    default:
      return unreachable(event);
  }
}

/** The change's ProductChanged to the outbox and its entries to the audit, in its transaction. */
async function announce(
  client: PoolClient,
  context: ChangeContext,
  before: Product | null,
  after: Product,
  at: Date,
): Promise<void> {
  await appendToOutbox(client, productChangeMessages(context.publishing, [after], at));
  const changes = auditedChanges(before, after);
  await recordAudit(client, { sku: after.sku, changes, by: context.actor, at });
}

/** The product of `sku`, locked for the transaction; null if there is none. */
async function lockOne(client: PoolClient, sku: string): Promise<Product | null> {
  return (await lockProducts(client, [sku])).get(sku) ?? null;
}

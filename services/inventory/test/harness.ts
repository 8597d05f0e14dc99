import { randomUUID } from 'node:crypto';
import { type Product, topics } from '@microshop/contracts';
import { asMessageHandler, createMetrics, type HttpApp, type MessageHandler } from '@microshop/platform';
import { serviceTestKit, type TestSchema, testAccess } from '@microshop/platform/testing';
import { upsertProduct } from '../src/handlers/catalog-commands.ts';
import { reserveForOrders } from '../src/handlers/order-events.ts';
import { recordOrderFates } from '../src/handlers/order-fates.ts';
import type { Publishing } from '../src/handlers/publishing.ts';
import { build } from '../src/http/routes.ts';
import { service } from '../src/main.ts';
import { findProduct } from '../src/store/products.ts';
import { consumed } from './fixtures.ts';

// What the integration tests share: a migrated throwaway schema, a quiet logger, the handler, the
// HTTP app, and short reads of stock, verdicts and reservations.

export const { logger, migratedSchema, handlerContext } = serviceTestKit(service);

export const publishing: Publishing = {
  topics: { validations: topics.orderValidations, products: topics.products },
  now: () => new Date(),
  newId: randomUUID,
};

/** Signs the tests' tokens; the app trusts it. */
export const { issuer, access, asOperator } = await testAccess();

export async function httpApp(db: TestSchema): Promise<HttpApp> {
  const app = await build({
    pool: db.pool,
    publishing,
    logger,
    metrics: createMetrics('inventory-test'),
    access,
  });
  await app.ready();
  return app;
}

/** The consumer's handler as the kit wires it: in a transaction on the pool, with the inbox of `consumer`. */
export function orderEventHandler(db: TestSchema, consumer = 'inventory'): MessageHandler {
  return asMessageHandler(reserveForOrders({ publishing }), { pool: db.pool, consumer });
}

/** The fates consumer's handler as the kit wires it (group `inventory-order-fates`). */
export function fateDeliverer(
  db: TestSchema,
  consumer = 'inventory-order-fates',
): (...events: unknown[]) => Promise<void> {
  const handle = asMessageHandler(recordOrderFates({ now: () => new Date() }), { pool: db.pool, consumer });
  return async (...events) => {
    for (const event of events) await handle(consumed(event), handlerContext());
  };
}

/** Delivers events to the Kafka handler as the consumer would, one after the other. */
export function deliverer(db: TestSchema, consumer = 'inventory'): (...events: unknown[]) => Promise<void> {
  const handle = orderEventHandler(db, consumer);
  return async (...events) => {
    for (const event of events) await handle(consumed(event), handlerContext());
  };
}

/** Creates a product with `stock` units (price 100 EUR cents) and returns its sku. */
export async function addProduct(db: TestSchema, sku: string, stock: number): Promise<string> {
  await upsertProduct(
    db.pool,
    publishing,
    sku,
    {
      name: `Test ${sku}`,
      unitPrice: 100,
      currency: 'EUR',
      stock,
    },
    'inventory-test',
  );
  return sku;
}

export async function product(db: TestSchema, sku: string): Promise<Product> {
  const found = await findProduct(db.pool, sku);
  if (found === null) throw new Error(`no product ${sku}`);
  return found;
}

/** The stock and reserved units of a product, for short assertions. */
export async function levels(db: TestSchema, sku: string): Promise<{ stock: number; reserved: number }> {
  const { stock, reserved } = await product(db, sku);
  return { stock, reserved };
}

/** The verdict recorded for an order, or null. */
export async function verdict(
  db: TestSchema,
  orderId: string,
): Promise<{ result: string; reason: string | null } | null> {
  const result = await db.pool.query('SELECT result, reason FROM order_checks WHERE order_id = $1', [
    orderId,
  ]);
  return result.rows[0] ?? null;
}

/** The states of an order's reservation lines, in line order. */
export async function reservationStates(db: TestSchema, orderId: string): Promise<string[]> {
  const result = await db.pool.query('SELECT state FROM reservations WHERE order_id = $1 ORDER BY line', [
    orderId,
  ]);
  return result.rows.map((row: { state: string }) => row.state);
}

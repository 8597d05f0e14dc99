import { randomBytes, randomUUID } from 'node:crypto';
import { type Product, topics } from '@microshop/contracts';
import {
  createLogger,
  createMetrics,
  type HandlerContext,
  type HttpApp,
  type LogLevel,
  type MessageHandler,
} from '@microshop/platform';
import { createTestSchema, type TestSchema } from '@microshop/platform/testing';
import { createOrderEventHandler } from '../src/handlers/order-events.ts';
import { upsertProduct } from '../src/http/catalog-commands.ts';
import { buildHttp } from '../src/http/routes.ts';
import { migrateSchema } from '../src/store/database.ts';
import type { Publishing } from '../src/store/outbox-events.ts';
import { findProduct } from '../src/store/products.ts';
import { consumed } from './fixtures.ts';

// What the integration tests share: a migrated throwaway schema, a quiet logger, the handler, the
// HTTP app, and a window on the write-ahead log.

export const logger = createLogger({
  service: 'inventory-test',
  level: (process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'silent',
});

export const publishing: Publishing = {
  topics: { validations: topics.orderValidations, products: topics.products },
  now: () => new Date(),
  newId: randomUUID,
};

/** A fresh schema with this service's tables, dropped when the file is done (call at top level). */
export async function migratedSchema(prefix: string): Promise<TestSchema> {
  const db = await createTestSchema(prefix);
  await migrateSchema(db.pool, db.name);
  return db;
}

export async function httpApp(db: TestSchema): Promise<HttpApp> {
  const app = await buildHttp({
    pool: db.pool,
    publishing,
    logger,
    metrics: createMetrics('inventory-test'),
  });
  await app.ready();
  return app;
}

export function handlerContext(): HandlerContext {
  return { attempt: 1, signal: new AbortController().signal, logger };
}

/** Polls until `condition` resolves truthy; fails with `what` after `timeoutMs`. */
export async function eventually(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Delivers events to the Kafka handler as the consumer would, one after the other. */
export function deliverer(db: TestSchema, consumer = 'inventory'): (...events: unknown[]) => Promise<void> {
  const handle: MessageHandler = createOrderEventHandler({ pool: db.pool, consumer, publishing });
  return async (...events) => {
    for (const event of events) await handle(consumed(event), handlerContext());
  };
}

/** Creates a product with `stock` units (price 100 EUR cents) and returns its sku. */
export async function addProduct(db: TestSchema, sku: string, stock: number): Promise<string> {
  await upsertProduct(db.pool, publishing, sku, {
    name: `Test ${sku}`,
    unitPrice: 100,
    currency: 'EUR',
    stock,
  });
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

/** One outbox INSERT as the write-ahead log shows it to Debezium (test_decoding's text form). */
export interface WalInsert {
  line: string;
  topic: string;
  key: string;
  payload: Record<string, unknown>;
}

/**
 * Runs `fn` with a `test_decoding` logical slot open: `readInserts` returns the INSERTs into this
 * schema's outbox committed since the slot was made, which is exactly what Debezium would publish.
 */
export async function withDecodingSlot(
  db: TestSchema,
  fn: (readInserts: () => Promise<WalInsert[]>) => Promise<void>,
): Promise<void> {
  const slot = `inventory_test_${randomBytes(6).toString('hex')}`;
  await db.pool.query("SELECT pg_create_logical_replication_slot($1, 'test_decoding')", [slot]);
  const seen: WalInsert[] = [];
  try {
    await fn(async () => {
      const result = await db.pool.query('SELECT data FROM pg_logical_slot_get_changes($1, NULL, NULL)', [
        slot,
      ]);
      for (const row of result.rows) {
        const line = String(row.data);
        if (line.startsWith(`table ${db.name}.outbox: INSERT:`)) seen.push(walInsert(line));
      }
      return [...seen];
    });
  } finally {
    await db.pool.query('SELECT pg_drop_replication_slot($1)', [slot]);
  }
}

/** test_decoding prints `column[type]:'value'` with single quotes doubled. */
function walInsert(line: string): WalInsert {
  const text = (column: string) => {
    const match = new RegExp(`${column}\\[\\w+\\]:'((?:[^']|'')*)'`).exec(line);
    if (match?.[1] === undefined) throw new Error(`no ${column} in WAL line: ${line}`);
    return match[1].replaceAll("''", "'");
  };
  return {
    line,
    topic: text('aggregatetype'),
    key: text('aggregateid'),
    payload: JSON.parse(text('payload')),
  };
}

import { randomBytes, randomUUID } from 'node:crypto';
import type { Order, PlacedOrderRequest } from '@microshop/contracts';
import { createMetrics, type HttpApp, type Logger } from '@microshop/platform';
import {
  type CleanupRegistrar,
  createTestIssuer,
  serviceTestKit,
  type TestSchema,
} from '@microshop/platform/testing';
import { createPaymentMethods } from '../src/clients/payment-methods.ts';
import type { TimeoutLimits } from '../src/domain/wait.ts';
import {
  type ChangeCommand,
  type ChangeResult,
  changeOrderAlone,
  defaultCommandDeps,
} from '../src/handlers/change-order.ts';
import { build } from '../src/http/routes.ts';
import { createWaiterRegistry, type WaiterRegistry } from '../src/http/waiter-registry.ts';
import { service } from '../src/main.ts';
import { type StatusListener, startStatusListener } from '../src/store/status-listener.ts';
import { type PaymentsStandIn, startPaymentsStandIn } from './payments-stand-in.ts';

// Shared givens of the orders integration tests: a migrated schema of the test's own with a copy of
// the catalog, apps built on it with their own LISTEN connections and the payments service they hand
// card tokens to, request bodies, and a way to move an order as a consumer would.

const kit = serviceTestKit(service);
export const silentLogger: Logger = kit.logger;

/** Signs the tests' tokens; every instance trusts it. */
export const issuer = await createTestIssuer();

/** `Authorization` of the customer `customerId` (an order's own customer), plus `extra` headers. */
export async function asCustomer(
  customerId: string,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  return { ...(await issuer.customer(customerId)).headers, ...extra };
}

export const asOperator: Record<string, string> = (await issuer.operator()).headers;

/** The copy of the catalog every test schema starts with (EUR, minor units). */
export const testCatalog = { JUMPERS: 2500, STOCKINGS: 999, YACHTS: 1_000_000_000_000 } as const;

/**
 * A fresh schema with the orders tables and the test catalog, dropped when the file is done; the
 * payments app the file's instances hand card tokens to starts with it (so it lives as long).
 */
export async function givenOrdersSchema(prefix: string): Promise<TestSchema> {
  await givenPayments();
  const db = await kit.migratedSchema(prefix);
  for (const [sku, unitPrice] of Object.entries(testCatalog)) await givenCatalogPrice(db, sku, unitPrice);
  return db;
}

/** The copy of the catalog says `sku` costs `unitPrice` (EUR). */
export async function givenCatalogPrice(db: TestSchema, sku: string, unitPrice: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO catalog (sku, unit_price, currency, updated_at, event_id) VALUES ($1, $2, 'EUR', now(), $3)
     ON CONFLICT (sku) DO UPDATE SET unit_price = excluded.unit_price, updated_at = excluded.updated_at`,
    [sku, unitPrice, randomUUID()],
  );
}

let payments: Promise<PaymentsStandIn> | undefined;

/**
 * Where the instances hand card tokens: the payments stand-in, one per test file (first asked for at
 * the file's top level, so it is closed when the file is done).
 */
export function givenPayments(): Promise<PaymentsStandIn> {
  payments ??= startPaymentsStandIn(silentLogger);
  return payments;
}

export interface TestInstance {
  app: HttpApp;
  /** The instance's blocking GETs. */
  waiters: WaiterRegistry;
  listener: StatusListener;
  /** The listener's application_name, to find its LISTEN connection in pg_stat_activity. */
  listenerName: string;
}

/** One "instance" of the service: its own HTTP app and LISTEN connection, on the shared schema. */
export async function givenInstance(
  db: TestSchema,
  t: CleanupRegistrar,
  options: {
    wait?: TimeoutLimits;
    waitsPerPrincipal?: number;
    reconnect?: { initialMs: number; maxMs: number };
  } = {},
): Promise<TestInstance> {
  const wait = options.wait ?? { defaultMs: 10_000, maxMs: 30_000 };
  const listenerName = `orders-test-listen-${randomBytes(4).toString('hex')}`;
  const waiters = createWaiterRegistry();
  const listener = await startStatusListener({
    connectionString: db.url,
    logger: silentLogger,
    applicationName: listenerName,
    reconnect: options.reconnect ?? { initialMs: 20, maxMs: 200 },
    onChange: (orderId) => waiters.wake(orderId),
    onConnected: () => waiters.wakeAll(),
  });
  const paymentMethods = createPaymentMethods({ baseUrl: (await givenPayments()).url, timeoutMs: 5_000 });
  const app = await build({
    pool: db.pool,
    waiters,
    logger: silentLogger,
    metrics: createMetrics('orders-test'),
    access: { verify: issuer.verify },
    wait,
    ...(options.waitsPerPrincipal === undefined ? {} : { waitsPerPrincipal: options.waitsPerPrincipal }),
    paymentMethods,
  });
  t.after(async () => {
    await app.close();
    await listener.stop();
    await paymentMethods.close();
  });
  await app.ready();
  return { app, waiters, listener, listenerName };
}

export function orderRequest(overrides: Partial<PlacedOrderRequest> = {}): PlacedOrderRequest {
  return {
    customerId: randomUUID(),
    items: [
      { sku: 'JUMPERS', quantity: 2, unitPrice: 2500 },
      { sku: 'STOCKINGS', quantity: 1, unitPrice: 999 },
    ],
    currency: 'EUR',
    payment: { token: 'tok_success' },
    ...overrides,
  };
}

/** Places the order as its customer (signed in). */
export async function placeOrder(app: HttpApp, body: PlacedOrderRequest = orderRequest()): Promise<Order> {
  const headers = await asCustomer(body.customerId);
  const response = await app.inject({ method: 'POST', url: '/api/v1/orders', payload: body, headers });
  if (response.statusCode !== 201) throw new Error(`POST answered ${response.statusCode}: ${response.body}`);
  return response.json();
}

type MessageCommand = ChangeCommand;

/** Moves the order in a transaction of its own, as the consumer would (without the inbox). */
export function changeDirectly(db: TestSchema, command: MessageCommand): Promise<ChangeResult> {
  return changeOrderAlone(db.pool, defaultCommandDeps, command);
}

export function validated(orderId: string): MessageCommand {
  return { type: 'ApplyValidationDecision', message: { type: 'OrderValidated', orderId }, now: new Date() };
}

export function paymentFailed(orderId: string, reason = 'DECLINED'): MessageCommand {
  return { type: 'ApplyPaymentResult', message: { type: 'PaymentFailed', orderId, reason }, now: new Date() };
}

export function paymentSucceeded(orderId: string): MessageCommand {
  return { type: 'ApplyPaymentResult', message: { type: 'PaymentSucceeded', orderId }, now: new Date() };
}

export function dispatched(orderId: string): MessageCommand {
  return { type: 'ApplyShipment', message: { type: 'ShipmentDispatched', orderId }, now: new Date() };
}

export async function countRows(
  db: TestSchema,
  table: 'orders' | 'idempotency' | 'order_items',
): Promise<number> {
  const result = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(result.rows[0]?.n);
}

import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { topics } from '@microshop/contracts';
import { type CircuitBreakerSettings, createMetrics, type HttpApp } from '@microshop/platform';
import {
  type CleanupRegistrar,
  consumedMessage,
  serviceTestKit,
  type TestSchema,
  testAccess,
} from '@microshop/platform/testing';
// The sandbox carrier runs in-process: the real service's code, on a port of its own.
import { startSandbox as startCarrierSandbox } from '../../carrier-sandbox/test/harness.ts';
import type { Carrier } from '../src/clients/carrier.ts';
import { createSandboxCarrier } from '../src/clients/sandbox-carrier.ts';
import type { ShippingDeps } from '../src/handlers/deps.ts';
import { createOrderEventHandler } from '../src/handlers/order-events.ts';
import type { WebhookOptions } from '../src/http/carrier-callback.ts';
import { build } from '../src/http/routes.ts';
import { carrierCallbackPath } from '../src/http/schemas.ts';
import { service } from '../src/main.ts';
import type { Publishing } from '../src/store/outbox-events.ts';

// What the integration tests share: a migrated throwaway schema, the sandbox carrier and the
// shipments app on ports of their own, and the handler.

export const { logger, migratedSchema, handlerContext } = serviceTestKit(service);

export const publishing: Publishing = { topic: topics.shipments, now: () => new Date(), newId: randomUUID };

/** Signs the tests' tokens; the app trusts it. */
export const { issuer, access, asOperator } = await testAccess();

export interface SandboxCarrier {
  url: string;
  /** The shipments the carrier booked under a reference (our order id). */
  bookings(orderId: string): { id: string; status: string; trackingNumber: string }[];
}

/** The webhook secret the sandbox signs with and the shipments app checks, unless a test says otherwise. */
export const testWebhookSecret = 'shared-webhook-secret-for-tests';

/**
 * The sandbox carrier listening on port 0; deliveries after `deliveryDelayMs` (default: 1 hour, i.e.
 * never), signed with `secret` (default the tests' shared one).
 */
export async function startSandbox(
  t: CleanupRegistrar,
  options: { deliveryDelayMs?: number; secret?: string } = {},
): Promise<SandboxCarrier> {
  const sandbox = await startCarrierSandbox(t, {
    deliveryDelayMs: options.deliveryDelayMs ?? 3_600_000,
    retry: { maxAttempts: 20, initialMs: 20, maxMs: 200 },
    timeoutMs: 2000,
    secret: options.secret ?? testWebhookSecret,
  });
  return { url: sandbox.url, bookings: (orderId) => sandbox.store.byReference(orderId) };
}

/** The HTTP adapter, quick to retry. */
export function sandboxCarrier(
  url: string,
  overrides: { timeoutMs?: number; maxAttempts?: number; circuitBreaker?: CircuitBreakerSettings } = {},
): Carrier {
  return createSandboxCarrier({ baseUrl: url, timeoutMs: 2000, maxAttempts: 3, backoffMs: 10, ...overrides });
}

/** The shipments HTTP app listening on port 0, so the sandbox can call it back. */
export async function startShipmentsApp(
  t: CleanupRegistrar,
  db: TestSchema,
  webhook: WebhookOptions = { secrets: [testWebhookSecret], toleranceSeconds: 300 },
): Promise<{ app: HttpApp; url: string; callbackUrl: string }> {
  const app = await build({
    pool: db.pool,
    publishing,
    webhook,
    logger,
    metrics: createMetrics('shipments-test'),
    access,
  });
  t.after(() => app.close());
  const url = await listen(app);
  return { app, url, callbackUrl: `${url}${carrierCallbackPath}` };
}

export function shippingDeps(
  db: TestSchema,
  carrier: Carrier,
  callbackUrl: string,
  consumer = 'shipments',
): ShippingDeps {
  return { pool: db.pool, consumer, carrier, publishing, callbackUrl };
}

/** Delivers events to the Kafka handler as the consumer would, one after the other. */
export function deliverer(deps: ShippingDeps): (...events: unknown[]) => Promise<void> {
  const handle = createOrderEventHandler(deps);
  return async (...events) => {
    for (const event of events) {
      await handle(consumedMessage(event, { topic: topics.orderOutbox }), handlerContext());
    }
  };
}

/** The order's shipment row, or undefined. */
export async function shipmentOf(db: TestSchema, orderId: string) {
  const result = await db.pool.query('SELECT * FROM shipments WHERE order_id = $1', [orderId]);
  return result.rows[0] as Record<string, unknown> | undefined;
}

async function listen(app: HttpApp): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

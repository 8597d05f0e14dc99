import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { type OrderEvent, sandboxTokens, topics } from '@microshop/contracts';
import {
  type CircuitBreakerSettings,
  createFaultSwitch,
  createMetrics,
  type FaultSwitch,
  type HttpApp,
  type HttpOutage,
} from '@microshop/platform';
import { parseOutboxInsert, serviceTestKit, type TestSchema, testAccess } from '@microshop/platform/testing';
import pg from 'pg';
import { build as buildSandbox } from '../../payment-sandbox/src/http/routes.ts';
import { createHttpProvider, type HttpPaymentProvider } from '../src/clients/http-provider.ts';
import type { PaymentProvider } from '../src/clients/payment-provider.ts';
import { chargeKey } from '../src/domain/payment.ts';
import { createOrderEventHandler } from '../src/handlers/order-events.ts';
import type { PaymentDeps } from '../src/handlers/payment-step.ts';
import { build } from '../src/http/routes.ts';
import { service } from '../src/main.ts';
import { registerMethod } from '../src/store/payment-methods.ts';
import { consumed, registeredTokens, testCipher } from './fixtures.ts';

// What the integration tests share: a migrated throwaway schema, the payment sandbox listening on
// a free port, the HTTP provider pointed at it, the handler, and a window on the write-ahead log.

export const { logger, migratedSchema, handlerContext } = serviceTestKit(service);

export interface Sandbox {
  url: string;
  /** The provider's outage switch (operators': PUT /api/v1/outage). */
  faults: FaultSwitch<HttpOutage>;
  /** Charges the order at the provider directly, with its charge key: a charge payments never heard of. */
  chargeBehindPaymentsBack(orderId: string, amount: number): Promise<{ id: string }>;
  /** The charges the sandbox holds for an order: what the customer's card statement would show. */
  charges(orderId: string): Promise<{ id: string; amount: number; amount_refunded: number }[]>;
  refunds(chargeId: string): Promise<{ id: string; amount: number }[]>;
}

/** The payment sandbox on 127.0.0.1, a free port, closed when the file is done. */
export async function startSandbox(settings = { slowMs: 600, errorTimes: 2 }): Promise<Sandbox> {
  const faults = createFaultSwitch<HttpOutage>();
  const app = await buildSandbox({
    logger,
    metrics: createMetrics('payment-sandbox-test'),
    settings,
    faults,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  after(() => app.close());
  const { port } = app.server.address() as AddressInfo;
  const list = async (url: string) => (await app.inject({ method: 'GET', url })).json().data;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    chargeBehindPaymentsBack: async (orderId, amount) => {
      const answer = await app.inject({
        method: 'POST',
        url: '/v1/charges',
        headers: { 'idempotency-key': chargeKey(orderId) },
        payload: { amount, currency: 'EUR', source: sandboxTokens.success, metadata: { orderId } },
      });
      return answer.json();
    },
    charges: (orderId) => list(`/v1/charges?orderId=${orderId}`),
    refunds: (chargeId) => list(`/v1/refunds?charge=${chargeId}`),
  };
}

/** The HTTP adapter with test-sized waits: 300 ms per request (the sandbox's slow token takes 600). */
export function httpProvider(
  url: string,
  overrides: { timeoutMs?: number; maxAttempts?: number; circuitBreaker?: CircuitBreakerSettings } = {},
): HttpPaymentProvider {
  const provider = createHttpProvider({
    baseUrl: url,
    timeoutMs: overrides.timeoutMs ?? 300,
    retry: { maxAttempts: overrides.maxAttempts ?? 6, initialMs: 20, maxMs: 200 },
    ...(overrides.circuitBreaker === undefined ? {} : { circuitBreaker: overrides.circuitBreaker }),
    logger,
  });
  after(() => provider.close());
  return provider;
}

export function paymentDeps(db: TestSchema, provider: PaymentProvider, consumer = 'payments'): PaymentDeps {
  return {
    pool: db.pool,
    consumer,
    provider,
    cipher: testCipher,
    // No grace: a token goes as soon as its orders are charged or ended.
    methodGraceMs: 0,
    paymentsTopic: topics.payments,
    now: () => new Date(),
    newId: randomUUID,
  };
}

/**
 * Delivers events to the Kafka handler as the consumer would, one after the other. The card token of
 * an OrderCreated is registered first, as the orders service does before it writes the event.
 */
export function deliverer(deps: PaymentDeps): (...events: Parameters<typeof consumed>[0][]) => Promise<void> {
  const handle = createOrderEventHandler(deps);
  return async (...events) => {
    for (const event of events) {
      await registerCardTokens(deps, [event]);
      await handle(consumed(event), handlerContext());
    }
  };
}

/** Signs the tests' tokens; the app trusts it. */
export const { issuer, access, asOperator } = await testAccess();

/** Registers the card token behind each OrderCreated's reference, as the orders service does first. */
export async function registerCardTokens(
  deps: Pick<PaymentDeps, 'pool' | 'cipher'>,
  events: readonly OrderEvent[],
): Promise<void> {
  for (const event of events) {
    const registration =
      event.type === 'OrderCreated' ? registeredTokens.get(event.payment.reference ?? '') : undefined;
    // Registered long ago: the grace period never keeps a token these tests expect to be forgotten.
    if (registration) await registerMethod(deps.pool, deps.cipher, registration, new Date(0));
  }
}

export async function httpApp(db: TestSchema): Promise<HttpApp> {
  const app = await build({
    pool: db.pool,
    cipher: testCipher,
    logger,
    metrics: createMetrics('payments-test'),
    access,
  });
  after(() => app.close());
  await app.ready();
  return app;
}

/** An event this schema's outbox received, as the write-ahead log shows it to Debezium. */
export interface PublishedEvent {
  topic: string;
  key: string;
  payload: Record<string, unknown> & { type: string; orderId: string };
  traceparent: string;
}

/**
 * A `test_decoding` slot open for the whole file (the kit's `withDecodingSlot` lasts one function):
 * `published(orderId)` returns that order's outbox INSERTs committed since, which is exactly what
 * Debezium would publish. Its own connection, because the schema's pool may be closed first.
 */
export async function outboxWindow(db: TestSchema): Promise<(orderId: string) => Promise<PublishedEvent[]>> {
  const slot = `payments_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query("SELECT pg_create_logical_replication_slot($1, 'test_decoding')", [slot]);
  after(async () => {
    await client.query('SELECT pg_drop_replication_slot($1)', [slot]);
    await client.end();
  });
  const seen: PublishedEvent[] = [];
  const prefix = `table ${db.name}.outbox: INSERT:`;
  return async (orderId) => {
    const result = await client.query<{ data: string }>(
      'SELECT data FROM pg_logical_slot_get_changes($1, NULL, NULL)',
      [slot],
    );
    for (const { data } of result.rows) {
      if (!data.startsWith(prefix)) continue;
      const { topic, key, payload, traceparent } = parseOutboxInsert(data);
      seen.push({ topic, key, payload: payload as PublishedEvent['payload'], traceparent });
    }
    return seen.filter((event) => event.payload.orderId === orderId);
  };
}

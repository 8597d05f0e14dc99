// Drives orders through the running stack and times how long each takes to reach a status, seen
// the way any other service sees it: the order's status event arriving on microshop.order-outbox.
import { randomUUID } from 'node:crypto';
import { topics } from '@microshop/contracts';
import { createEventConsumer, createLogger } from '@microshop/platform';
import { orderRequest } from '@microshop/platform/testing';
import { Pool } from 'undici';
import { bootstrapServers, gatewayUrl, type StackSettings } from '../../infra/src/settings.ts';
import { openLoop, summarize, until } from './load.ts';
import { call, postOrder } from './orders.ts';

export interface Shop {
  customers: string[];
  sku: string;
  unitPrice: number;
}

/** Registers customers and one product with stock for the whole run (fraud limits are per customer). */
export async function prepareShop(settings: StackSettings, customerCount: number): Promise<Shop> {
  const pool = new Pool(gatewayUrl(settings), { connections: 8 });
  const sku = `BENCH-${randomUUID().slice(0, 8).toUpperCase()}`;
  const unitPrice = 1000;
  const product = await call(pool, 'PUT', `/api/v1/products/${sku}`, {
    name: 'Bench item',
    unitPrice,
    stock: 1_000_000_000,
  });
  if (product.status >= 300) throw new Error(`creating the bench product: ${product.status}`);
  const customers: string[] = [];
  for (let i = 0; i < customerCount; i++) {
    const answer = await call(pool, 'POST', '/api/v1/customers', {
      name: `Bench ${i}`,
      email: `bench-${randomUUID()}@bench.microshop.test`,
    });
    if (answer.status !== 201 || !answer.json.id)
      throw new Error(`registering a bench customer: ${answer.status}`);
    customers.push(answer.json.id);
  }
  await pool.close();
  // Let order-details and notifications copy the customers and the product before the first order.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  return { customers, sku, unitPrice };
}

export interface OrderEventWatch {
  /** When (performance.now()) the first event of the type arrived, per order id. */
  seen: Map<string, number>;
  stop(): Promise<void>;
}

/**
 * Notes when the first `eventType` event of each order arrives on microshop.order-outbox, read the way
 * any other service reads it: a consumer group of its own, from the end of the topic.
 */
export async function watchOrderEvents(
  settings: StackSettings,
  eventType: string,
  clientId: string,
): Promise<OrderEventWatch> {
  const seen = new Map<string, number>();
  const consumer = createEventConsumer({
    bootstrapServers: bootstrapServers(settings),
    groupId: `${clientId}-${randomUUID()}`,
    clientId,
    topics: [topics.orderOutbox],
    logger: createLogger({ service: 'bench', level: 'warn' }),
    handle: async (message) => {
      const value = message.value as { type?: string; orderId?: string };
      if (value.type === eventType && value.orderId && !seen.has(value.orderId))
        seen.set(value.orderId, performance.now());
    },
  });
  await consumer.start();
  return { seen, stop: () => consumer.stop() };
}

export interface FlowResult {
  requested: number;
  accepted: number;
  errors: number;
  reached: number;
  seconds: number;
  latency: { p50: number; p99: number; max: number };
  /** Orders that had reached the status within `drainMs` after the last one was sent. */
  completionRate: number;
}

/** Sends orders at `rate`/s for `seconds`, waits up to `drainMs`, and times POST sent → `eventType` seen. */
export async function measureFlow(
  settings: StackSettings,
  shop: Shop,
  options: { rate: number; seconds: number; eventType: string; drainMs: number },
): Promise<FlowResult> {
  const { seen, stop } = await watchOrderEvents(settings, options.eventType, 'bench-flow');
  const sent = new Map<string, number>();
  let placed = 0;
  const load = await openLoop(gatewayUrl(settings), options.rate, options.seconds, async (pool) => {
    const customerId = shop.customers[placed++ % shop.customers.length];
    const items = [{ sku: shop.sku, quantity: 1, unitPrice: shop.unitPrice }];
    const sentAt = performance.now();
    const id = await postOrder(pool, orderRequest({ customerId, items }));
    if (id) sent.set(id, sentAt);
    return id !== null;
  });
  await until(() => [...sent.keys()].every((id) => seen.has(id)), options.drainMs);
  await stop();
  const latencies = [...sent].flatMap(([id, sentAt]) => {
    const at = seen.get(id);
    return at === undefined ? [] : [at - sentAt];
  });
  return {
    requested: Math.round(options.rate * options.seconds),
    accepted: sent.size,
    errors: load.errors,
    reached: latencies.length,
    seconds: load.seconds,
    latency: summarize(latencies),
    completionRate: sent.size === 0 ? 0 : latencies.length / sent.size,
  };
}

// Drives orders through the running stack and times how long each takes to reach a status, seen
// the way any other service sees it: the order's status event arriving on microshop.order-outbox.
import { randomUUID } from 'node:crypto';
import { topics } from '@microshop/contracts';
import { createEventConsumer, createLogger } from '@microshop/platform';
import { Pool } from 'undici';
import { bootstrapServers, type StackSettings } from '../../infra/src/settings.ts';
import { openLoop, summarize } from './load.ts';
import { gatewayUrl } from './stack.ts';

export interface Shop {
  customers: string[];
  sku: string;
  unitPrice: number;
}

async function call(
  pool: Pool,
  method: 'POST' | 'PUT',
  path: string,
  body: unknown,
): Promise<{ status: number; json: { id?: string } }> {
  const res = await pool.request({
    method,
    path,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? (JSON.parse(text) as { id?: string }) : {} };
}

/** Registers customers and one product with stock for the whole run (fraud limits are per customer). */
export async function prepareShop(s: StackSettings, customerCount: number): Promise<Shop> {
  const pool = new Pool(gatewayUrl(s), { connections: 8 });
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
    const res = await call(pool, 'POST', '/api/v1/customers', {
      name: `Bench ${i}`,
      email: `bench-${randomUUID()}@bench.microshop.test`,
    });
    if (res.status !== 201 || !res.json.id) throw new Error(`registering a bench customer: ${res.status}`);
    customers.push(res.json.id);
  }
  await pool.close();
  // Let order-details and notifications copy the customers and the product before the first order.
  await new Promise((r) => setTimeout(r, 3000));
  return { customers, sku, unitPrice };
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
  s: StackSettings,
  shop: Shop,
  opts: { rate: number; seconds: number; eventType: string; drainMs: number },
): Promise<FlowResult> {
  const seen = new Map<string, number>();
  const consumer = createEventConsumer({
    bootstrapServers: bootstrapServers(s),
    groupId: `bench-flow-${randomUUID()}`,
    clientId: 'bench-flow',
    topics: [topics.orderOutbox],
    logger: createLogger({ service: 'bench', level: 'warn' }),
    handle: async (m) => {
      const v = m.value as { type?: string; orderId?: string };
      if (v.type === opts.eventType && v.orderId && !seen.has(v.orderId))
        seen.set(v.orderId, performance.now());
    },
  });
  await consumer.start();
  const sent = new Map<string, number>();
  let n = 0;
  const load = await openLoop(gatewayUrl(s), opts.rate, opts.seconds, async (pool) => {
    const customerId = shop.customers[n++ % shop.customers.length];
    const t0 = performance.now();
    const res = await call(pool, 'POST', '/api/v1/orders', {
      customerId,
      items: [{ sku: shop.sku, quantity: 1, unitPrice: shop.unitPrice }],
      currency: 'EUR',
      payment: { token: 'tok_visa' },
    });
    if (res.status !== 201 || !res.json.id) return false;
    sent.set(res.json.id, t0);
    return true;
  });
  const deadline = performance.now() + opts.drainMs;
  while (performance.now() < deadline && [...sent.keys()].some((id) => !seen.has(id)))
    await new Promise((r) => setTimeout(r, 100));
  await consumer.stop();
  const latencies = [...sent].flatMap(([id, t0]) => {
    const at = seen.get(id);
    return at === undefined ? [] : [at - t0];
  });
  return {
    requested: Math.round(opts.rate * opts.seconds),
    accepted: sent.size,
    errors: load.errors,
    reached: latencies.length,
    seconds: load.seconds,
    latency: summarize(latencies),
    completionRate: sent.size === 0 ? 0 : latencies.length / sent.size,
  };
}

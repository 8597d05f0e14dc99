// The chaos run's shoppers: customers signed up like any client, a few products stocked by the
// operator (a little less stock than the run's orders, so stock runs out and "never oversold" is
// tested), and orders placed at a steady rate. A client whose request failed (a crashed gateway or
// orders instance, an answer lost) asks again with the same Idempotency-Key, as a real client would,
// so an order the stack accepted is known to the run even when the first answer never arrived.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Caller } from '../lib/auth.ts';
import { signUpCustomers } from '../lib/auth.ts';
import type { Random } from './random.ts';

export interface ChaosShop {
  customers: Caller[];
  /** Each product with the stock it started with. */
  products: { sku: string; stock: number }[];
  unitPrice: number;
}

export interface PlacedOrders {
  /** Order id → its sku, for every order the stack accepted (201). */
  accepted: Map<string, string>;
  /** Orders the API refused for good (4xx) or never answered within the retries. */
  refused: number;
  /** Requests asked again after a failure (network error, 5xx, 429). */
  retried: number;
  startedAt: number;
  endedAt: number;
}

const productCount = 4;
const ordersPerCustomer = 40;

async function send(
  gateway: string,
  path: string,
  method: string,
  body: unknown,
  caller: Caller,
  key?: string,
) {
  const response = await fetch(`${gateway}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      authorization: await caller.authorization(),
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as { id?: string } };
}

/** Signs the customers up and stocks the products (95 % of the orders' units in all). */
export async function openShop(
  gateway: string,
  operator: Caller,
  orders: number,
  tag: string,
): Promise<ChaosShop> {
  const unitPrice = 1000;
  const perProduct = Math.max(1, Math.floor((orders * 0.95) / productCount));
  const products = Array.from({ length: productCount }, (_, i) => ({
    sku: `CHAOS-${tag}-${i + 1}`,
    stock: perProduct,
  }));
  for (const product of products) {
    const body = { name: `Chaos item ${product.sku}`, unitPrice, stock: product.stock };
    const answer = await send(gateway, `/api/v1/products/${product.sku}`, 'PUT', body, operator);
    if (answer.status >= 300) throw new Error(`stocking ${product.sku}: ${answer.status}`);
  }
  const customers = await signUpCustomers(gateway, Math.max(4, Math.ceil(orders / ordersPerCustomer)));
  // Let order-details and notifications copy the customers and products before the first order.
  await sleep(3000);
  return { customers, products, unitPrice };
}

/** Places one order, asking again with the same key until it is answered for good (at most `retryForMs`). */
async function placeOne(
  gateway: string,
  shop: ChaosShop,
  customer: Caller,
  sku: string,
  result: PlacedOrders,
): Promise<void> {
  const key = randomUUID();
  const body = {
    customerId: customer.id,
    items: [{ sku, quantity: 1, unitPrice: shop.unitPrice }],
    currency: 'EUR',
    payment: { token: 'tok_visa' },
  };
  const giveUpAt = Date.now() + 120_000;
  for (let attempt = 0; Date.now() < giveUpAt; attempt++) {
    if (attempt > 0) result.retried++;
    const answer = await send(gateway, '/api/v1/orders', 'POST', body, customer, key).catch(() => undefined);
    if (answer && (answer.status === 201 || answer.status === 200) && answer.json.id) {
      result.accepted.set(answer.json.id, sku);
      return;
    }
    if (answer && answer.status < 500 && answer.status !== 429 && answer.status !== 401) break;
    await sleep(Math.min(5000, 500 * 2 ** attempt));
  }
  result.refused++;
}

/** Places `count` orders at `rate` per second, each as a customer and for a product chosen at random. */
export async function placeOrders(
  gateway: string,
  shop: ChaosShop,
  options: { count: number; rate: number; random: Random; onProgress?: (placed: number) => void },
): Promise<PlacedOrders> {
  const result: PlacedOrders = {
    accepted: new Map(),
    refused: 0,
    retried: 0,
    startedAt: Date.now(),
    endedAt: 0,
  };
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < options.count; i++) {
    const due = result.startedAt + (i * 1000) / options.rate;
    if (due > Date.now()) await sleep(due - Date.now());
    const customer = options.random.pick(shop.customers);
    const { sku } = options.random.pick(shop.products);
    const placing = placeOne(gateway, shop, customer, sku, result).finally(() => inFlight.delete(placing));
    inFlight.add(placing);
    if (i % 500 === 499) options.onProgress?.(i + 1);
  }
  await Promise.all(inFlight);
  result.endedAt = Date.now();
  return result;
}

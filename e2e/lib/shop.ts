// Building blocks of the validation scenarios: each test registers its own customers and creates its
// own products (unique skus), so test files running at the same time never share stock or sessions.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { api, eventually, gatewayUrl, type OrderBody } from './api.ts';
import { query } from './db.ts';
import { type CustomerBody, operator, signUp } from './session.ts';

export type { CustomerBody } from './session.ts';

export interface ProductBody {
  sku: string;
  name: string;
  unitPrice: number;
  currency: string;
  stock: number;
  reserved: number;
  updatedAt: string;
}

/** A sku no other test uses: `<PREFIX>-<random>`, upper case as the catalog wants. */
export function uniqueSku(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`.toUpperCase();
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${randomUUID()}@e2e.microshop.test`;
}

/**
 * A customer signed up as customers sign up (bronze, signed in; the lib makes its later calls about
 * them as them). A `level` other than bronze is then set by the operator, as only operators may, and
 * awaited in notifications' copy, so the customer's orders are routed by it.
 */
export async function registerCustomer(
  options: { name?: string; level?: string; baseUrl?: string } = {},
): Promise<CustomerBody> {
  const { customer } = await signUp(options.name ?? 'E2E Customer', uniqueEmail('customer'), options.baseUrl);
  if (options.level === undefined || options.level === customer.level) return customer;
  const res = await api<CustomerBody>('PATCH', `/api/v1/customers/${customer.id}`, {
    body: { level: options.level },
    baseUrl: options.baseUrl,
    as: await operator(options.baseUrl),
  });
  assert.equal(res.status, 200, `PATCH level of ${customer.id} → ${res.status} ${JSON.stringify(res.body)}`);
  await levelKnownToNotifications(customer.id, options.level);
  return res.body;
}

async function levelKnownToNotifications(customerId: string, level: string): Promise<void> {
  await eventually(`notifications to know ${customerId} as ${level}`, async () => {
    const rows = await query<{ level: string }>('select level from notifications.customers where id = $1', [
      customerId,
    ]);
    return rows[0]?.level === level ? true : undefined;
  });
}

/**
 * Creates or updates a product, then waits until the orders service's copy of the catalog has it
 * (orders are priced from that copy, filled from the products topic a moment after the change), so
 * an order placed next sees the new price. `databaseUrl` is the stack's (default the test stack's).
 */
export async function putProduct(
  sku: string,
  product: { name?: string; unitPrice: number; currency?: string; stock?: number },
  baseUrl?: string,
  databaseUrl: string | undefined = process.env.DATABASE_URL,
): Promise<ProductBody> {
  const res = await api<ProductBody>('PUT', `/api/v1/products/${sku}`, {
    body: { name: product.name ?? `E2E ${sku}`, ...product },
    baseUrl,
    as: await operator(baseUrl),
  });
  assert.ok(res.status === 201 || res.status === 200, `PUT product ${sku} → ${res.status}`);
  await eventually(`the orders service's copy of ${sku} at ${res.body.unitPrice}`, async () => {
    const rows = await query(
      'select 1 from orders.catalog where sku = $1 and unit_price = $2 and updated_at >= $3',
      [sku, res.body.unitPrice, res.body.updatedAt],
      databaseUrl,
    );
    return rows.length === 1 ? true : undefined;
  });
  return res.body;
}

export async function getProduct(sku: string, baseUrl?: string): Promise<ProductBody> {
  const res = await api<ProductBody>('GET', `/api/v1/products/${sku}`, {
    baseUrl,
    as: await operator(baseUrl),
  });
  assert.equal(res.status, 200, `GET product ${sku} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export async function placeOrder(
  customerId: string,
  items: OrderLine[],
  options: { currency?: string; token?: string; baseUrl?: string } = {},
): Promise<OrderBody> {
  const res = await api<OrderBody>('POST', '/api/v1/orders', {
    body: {
      customerId,
      items,
      currency: options.currency ?? 'EUR',
      payment: { token: options.token ?? 'tok_visa' },
    },
    baseUrl: options.baseUrl,
  });
  assert.equal(res.status, 201, `POST /api/v1/orders → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The blocking GET: the order once it has reached one of `statuses` (fails on the 504). */
export async function awaitStatus(
  orderId: string,
  statuses: string[] = ['VALIDATED', 'FAILED'],
  options: { timeoutMs?: number; baseUrl?: string } = {},
): Promise<OrderBody> {
  const timeout = options.timeoutMs ?? 30_000;
  const res = await api<OrderBody>(
    'GET',
    `/api/v1/orders/${orderId}?waitFor=${statuses}&timeout=${timeout}`,
    {
      baseUrl: options.baseUrl,
    },
  );
  assert.equal(
    res.status,
    200,
    `order ${orderId} did not reach ${statuses} in ${timeout} ms: ${res.status} ${JSON.stringify(res.body)}`,
  );
  return res.body;
}

/** `INVENTORY: insufficient stock: …` → `INVENTORY` (the check that failed, or e.g. `TIMEOUT`). */
export function reasonKind(reason: string): string {
  const colon = reason.indexOf(':');
  return colon < 0 ? reason : reason.slice(0, colon);
}

export function reasonKinds(order: OrderBody): string[] {
  return [...new Set(order.reasons.map(reasonKind))].sort();
}

export function describeOrder(order: OrderBody): string {
  return `${order.status} ${JSON.stringify(order.reasons)}`;
}

export { gatewayUrl };

export interface Shopper {
  customer: CustomerBody;
  sku: string;
  unitPrice: number;
  /** A line of `quantity` units of the shopper's sku at its catalog price. */
  line: (quantity: number) => OrderLine;
}

/** A registered customer and a product of its own with a known stock: nobody else buys it. */
export async function newShopper(
  prefix: string,
  options: { stock?: number; unitPrice?: number; level?: string } = {},
): Promise<Shopper> {
  const sku = uniqueSku(prefix);
  const unitPrice = options.unitPrice ?? 2_000;
  const [customer] = await Promise.all([
    registerCustomer({ name: 'Casey Checkout', level: options.level }),
    putProduct(sku, { unitPrice, stock: options.stock ?? 10 }),
  ]);
  return { customer, sku, unitPrice, line: (quantity) => ({ sku, quantity, unitPrice }) };
}

/** The statuses only an order that passed validation reaches (the saga moves it on at once). */
export const validatedOrLater = ['VALIDATED', 'APPROVED', 'SHIPPED', 'DELIVERED'];

/**
 * Asserts that an order, as the blocking GET for VALIDATED or FAILED answered, was validated: it
 * reached VALIDATED and may since have been paid, approved or shipped.
 */
export function assertValidated(order: OrderBody, message = 'validated'): void {
  assert.ok(validatedOrLater.includes(order.status), `${message}: ${describeOrder(order)}`);
}

/** The statuses in the order's timeline (order-background), once it shows `last`. */
export async function timelineOf(orderId: string, last: string): Promise<string[]> {
  return eventually(`the timeline of ${orderId} up to ${last}`, async () => {
    const res = await api<{ timeline: { status: string }[] }>('GET', `/api/v1/orders/${orderId}/timeline`);
    const statuses = res.status === 200 ? res.body.timeline.map((e) => e.status) : [];
    return statuses.includes(last) ? statuses : undefined;
  });
}

// What the checkout saga leaves behind, as end-to-end tests read it: the payments and shipments
// services' views (through the gateway), the payment provider's own ledger (the payment sandbox
// instance: what was really charged and refunded), the payment events on Kafka, and the stock.
import assert from 'node:assert/strict';
import { type PaymentEvent, paymentEventSchema, topics } from '@microshop/contracts';
import { api, eventually } from './api.ts';
import { allMessagesAbout } from './kafka.ts';
import { getProduct, type ProductBody } from './shop.ts';
import { theInstanceOf } from './stack.ts';

/** The statuses an order ends in: nothing moves it on from there. */
export const endStatuses = ['DELIVERED', 'FAILED', 'CANCELLED'];

export interface PaymentView {
  orderId: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REFUNDED';
  charges: {
    paymentId: string | null;
    status: string;
    amount: number;
    currency: string;
    reason: string | null;
  }[];
  refunds: { refundId: string; paymentId: string; amount: number; currency: string; reason: string }[];
}

/** `GET /api/v1/payments/{orderId}`, or undefined while payments has not seen the order. */
export async function paymentOf(orderId: string): Promise<PaymentView | undefined> {
  const res = await api<PaymentView>('GET', `/api/v1/payments/${orderId}`);
  if (res.status === 404) return undefined;
  assert.equal(res.status, 200, `GET payment of ${orderId} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The payment view once `done` holds for it (e.g. a refund is recorded). */
export function paymentWhen(
  orderId: string,
  what: string,
  done: (p: PaymentView) => boolean,
  timeoutMs = 20_000,
): Promise<PaymentView> {
  return eventually(
    `the payment of ${orderId}: ${what}`,
    async () => {
      const p = await paymentOf(orderId);
      return p && done(p) ? p : undefined;
    },
    timeoutMs,
  );
}

export interface SandboxCharge {
  id: string;
  status: string;
  amount: number;
  currency: string;
  metadata: { orderId?: string };
  amount_refunded: number;
  refunded: boolean;
}

export interface SandboxRefund {
  id: string;
  charge: string;
  amount: number;
  currency: string;
  status: string;
}

function sandboxUrl(): string {
  return theInstanceOf('payment-sandbox').url;
}

/** A list the payment provider answers with (`{data: […]}`), read from the payment sandbox itself. */
async function sandboxList<T>(path: string, what: string): Promise<T[]> {
  const res = await api<{ data: T[] }>('GET', path, { baseUrl: sandboxUrl() });
  assert.equal(res.status, 200, `${what} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** Every charge the provider holds for the order (it counts what really was charged). */
export function sandboxCharges(orderId: string): Promise<SandboxCharge[]> {
  return sandboxList(`/v1/charges?orderId=${orderId}`, `sandbox charges of ${orderId}`);
}

export function sandboxRefunds(chargeId: string): Promise<SandboxRefund[]> {
  return sandboxList(`/v1/refunds?charge=${chargeId}`, `sandbox refunds of ${chargeId}`);
}

export interface ShipmentView {
  id: string;
  orderId: string;
  carrier: string;
  trackingNumber: string | null;
  status: string;
}

export async function shipmentsOf(orderId: string): Promise<ShipmentView[]> {
  const res = await api<{ shipments: ShipmentView[] }>('GET', `/api/v1/shipments?orderId=${orderId}`);
  assert.equal(res.status, 200, `GET shipments of ${orderId} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.shipments;
}

/** Every event on microshop.payments about these orders, among all the topic holds now. */
export async function paymentEventsOf(orderIds: readonly string[]): Promise<PaymentEvent[]> {
  const messages = await allMessagesAbout(topics.payments, orderIds);
  return messages.map((m) => paymentEventSchema.parse(m.value));
}

/** The product once `done` holds for it; the last one read if it never does (for the assertion). */
export async function productWhen(
  sku: string,
  done: (p: ProductBody) => boolean,
  timeoutMs = 20_000,
): Promise<ProductBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const product = await getProduct(sku);
    if (done(product) || Date.now() > deadline) return product;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface Reservation {
  orderId: string;
  quantity: number;
  state: string;
}

export async function reservationsOf(sku: string): Promise<Reservation[]> {
  const res = await api<{ reservations: Reservation[] }>(
    'GET',
    `/api/v1/products/${sku}/reservations?limit=200`,
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.reservations;
}

/** The state of each order's reservation lines of a sku, e.g. `{<id>: 'COMMITTED'}`. */
export async function reservationStates(sku: string): Promise<Record<string, string>> {
  return Object.fromEntries((await reservationsOf(sku)).map((r) => [r.orderId, r.state]));
}

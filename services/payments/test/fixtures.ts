import { randomUUID } from 'node:crypto';
import {
  type Order,
  type OrderEvent,
  type OrderStatus,
  orderEventSchema,
  orderEventTypeByStatus,
  sandboxTokens,
} from '@microshop/contracts';
import type { ConsumedMessage } from '@microshop/platform';
import { consumedMessage } from '@microshop/platform/testing';
import { createTokenCipher } from '../src/store/token-cipher.ts';

// Order status events as the orders service writes them, for unit and integration tests.

/** The tests' token key and cipher (the service reads its keys from config). */
export const testCipher = createTokenCipher([Buffer.alloc(32, 7)]);

/**
 * The card token behind each reference an OrderCreated fixture carries, as the orders service
 * would have registered it: the harness's deliverer registers it before the event is handled.
 */
export const registeredTokens = new Map<string, { subject: string; token: string }>();

/** The reference payments issues for the order's customer and `token`, noted in `registeredTokens`. */
export function referenceFor(order: OrderFixture, token: string): string {
  const reference = testCipher.referenceOf(order.customerId, token);
  registeredTokens.set(reference, { subject: order.customerId, token });
  return reference;
}

export interface OrderFixture {
  orderId: string;
  customerId: string;
  total: number;
  currency: string;
}

export function newOrder(total = 5000, currency = 'EUR'): OrderFixture {
  return { orderId: randomUUID(), customerId: randomUUID(), total, currency };
}

/** The order's event announcing `status`; OrderCreated carries the reference of `token` (default tok_visa). */
export function orderEvent(
  order: OrderFixture,
  status: OrderStatus,
  options: { token?: string; eventId?: string } = {},
): OrderEvent {
  const at = new Date().toISOString();
  const body: Order = {
    id: order.orderId,
    customerId: order.customerId,
    items: [{ sku: 'JUMPERS', quantity: 1, unitPrice: order.total }],
    currency: order.currency,
    total: order.total,
    status,
    reasons: status === 'FAILED' || status === 'CANCELLED' ? ['test'] : [],
    createdAt: at,
    updatedAt: at,
  };
  const type = orderEventTypeByStatus[status];
  // Parsed, so a fixture that drifts from the contract fails loudly here rather than in a test.
  return orderEventSchema.parse({
    id: options.eventId ?? randomUUID(),
    type,
    occurredAt: at,
    source: 'orders',
    orderId: order.orderId,
    customerId: order.customerId,
    status,
    order: body,
    ...(type === 'OrderCreated'
      ? { payment: { reference: referenceFor(order, options.token ?? sandboxTokens.success) } }
      : {}),
  });
}

/** The event as the consumer hands it over (Debezium puts the event id in header `id`). */
export function consumed(event: OrderEvent, topic = 'microshop.order-outbox'): ConsumedMessage {
  return consumedMessage(event, { topic });
}

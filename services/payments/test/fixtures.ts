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

// Order status events as the orders service writes them, for unit and integration tests.

export interface OrderFixture {
  orderId: string;
  customerId: string;
  total: number;
  currency: string;
}

export function newOrder(total = 5000, currency = 'EUR'): OrderFixture {
  return { orderId: randomUUID(), customerId: randomUUID(), total, currency };
}

/** The order's event announcing `status`; OrderCreated carries `token` (default tok_visa). */
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
    ...(type === 'OrderCreated' ? { payment: { token: options.token ?? sandboxTokens.success } } : {}),
  });
}

/** The event as the consumer hands it over (Debezium puts the event id in header `id`). */
export function consumed(event: OrderEvent, topic = 'microshop.order-outbox'): ConsumedMessage {
  return consumedMessage(event, { topic });
}

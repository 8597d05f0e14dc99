import { randomBytes, randomUUID } from 'node:crypto';
import {
  type Order,
  type OrderEvent,
  type OrderItem,
  type OrderStatus,
  orderEventSchema,
  orderEventTypeByStatus,
} from '@microshop/contracts';
import type { ConsumedMessage } from '@microshop/platform';
import { consumedMessage, samplePaymentReference } from '@microshop/platform/testing';

// Order status events as the orders service writes them, for unit and integration tests.

export type Line = Pick<OrderItem, 'sku' | 'quantity'> & { unitPrice?: number };

/** A sku no other test uses, so tests sharing a schema never share stock. */
export function uniqueSku(prefix = 'T'): string {
  return `${prefix}-${randomBytes(5).toString('hex').toUpperCase()}`;
}

/** The OrderCreated of a new order of `lines` (unit price 100 unless given). */
export function orderCreated(lines: readonly Line[], options: { orderId?: string } = {}): OrderEvent {
  const items = lines.map((line) => ({
    sku: line.sku,
    quantity: line.quantity,
    unitPrice: line.unitPrice ?? 100,
  }));
  const now = new Date().toISOString();
  const order: Order = {
    id: options.orderId ?? randomUUID(),
    customerId: randomUUID(),
    items,
    currency: 'EUR',
    total: items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0),
    status: 'CREATED',
    reasons: [],
    createdAt: now,
    updatedAt: now,
  };
  return envelope(order, { payment: { reference: samplePaymentReference } });
}

/** The event announcing that the order of `created` moved to `status`. */
export function orderMoved(created: OrderEvent, status: Exclude<OrderStatus, 'CREATED'>): OrderEvent {
  const reasons = status === 'FAILED' || status === 'CANCELLED' ? ['test'] : [];
  return envelope({ ...created.order, status, reasons, updatedAt: new Date().toISOString() });
}

function envelope(order: Order, extra: Record<string, unknown> = {}): OrderEvent {
  // Parsed, so a fixture that drifts from the contract fails loudly here rather than in a test.
  return orderEventSchema.parse({
    id: randomUUID(),
    type: orderEventTypeByStatus[order.status],
    occurredAt: order.updatedAt,
    source: 'orders',
    orderId: order.id,
    customerId: order.customerId,
    status: order.status,
    order,
    ...extra,
  });
}

/** The event as the consumer hands it over (Debezium puts the event id in header `id`). */
export function consumed(event: unknown, topic = 'microshop.order-outbox'): ConsumedMessage {
  return consumedMessage(event, { topic });
}

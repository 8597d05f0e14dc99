import { randomUUID } from 'node:crypto';
import {
  type Order,
  type OrderEvent,
  type OrderStatus,
  orderEventSchema,
  orderEventTypeByStatus,
} from '@microshop/contracts';
import type { ConsumedMessage } from '@microshop/platform';
import { consumedMessage, samplePaymentReference } from '@microshop/platform/testing';

// Order status events as the orders service writes them, for unit and integration tests.

export interface OrderEventOptions {
  orderId?: string;
  customerId?: string;
  /** When the order entered `status` (its `updatedAt`); default now. */
  at?: Date;
  createdAt?: Date;
  reasons?: string[];
  eventId?: string;
}

export function orderEvent(status: OrderStatus, options: OrderEventOptions = {}): OrderEvent {
  const at = options.at ?? new Date();
  const order: Order = {
    id: options.orderId ?? randomUUID(),
    customerId: options.customerId ?? randomUUID(),
    items: [{ sku: 'JUMPERS', quantity: 2, unitPrice: 2500 }],
    currency: 'EUR',
    total: 5000,
    status,
    reasons: options.reasons ?? [],
    createdAt: (options.createdAt ?? at).toISOString(),
    updatedAt: at.toISOString(),
  };
  const type = orderEventTypeByStatus[status];
  const envelope = {
    id: options.eventId ?? randomUUID(),
    type,
    occurredAt: at.toISOString(),
    source: 'orders',
    orderId: order.id,
    customerId: order.customerId,
    status,
    order,
    ...(type === 'OrderCreated' ? { payment: { reference: samplePaymentReference } } : {}),
  };
  // Parsed, so a fixture that drifts from the contract fails loudly here rather than in a test.
  return orderEventSchema.parse(envelope);
}

/** The events of one order going through `statuses`, a second apart from `start`. */
export function orderHistory(
  statuses: readonly OrderStatus[],
  options: { orderId?: string; customerId?: string; start?: Date; reasons?: string[] } = {},
): OrderEvent[] {
  const orderId = options.orderId ?? randomUUID();
  const customerId = options.customerId ?? randomUUID();
  const start = options.start ?? new Date('2025-03-01T10:00:00.000Z');
  return statuses.map((status, index) =>
    orderEvent(status, {
      orderId,
      customerId,
      createdAt: start,
      at: new Date(start.getTime() + index * 1000),
      reasons: status === 'FAILED' || status === 'CANCELLED' ? (options.reasons ?? ['TIMEOUT']) : [],
    }),
  );
}

/** The event as the consumer would hand it over (Debezium puts the event id in header `id`). */
export function consumed(event: OrderEvent, topic = 'microshop.order-outbox'): ConsumedMessage {
  return consumedMessage(event, { topic });
}

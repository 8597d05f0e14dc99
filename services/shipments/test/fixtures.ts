import { randomUUID } from 'node:crypto';
import {
  type Order,
  type OrderEvent,
  type OrderStatus,
  orderEventSchema,
  orderEventTypeByStatus,
} from '@microshop/contracts';
import { samplePaymentReference } from '@microshop/platform/testing';

// Order status events as the orders service writes them, for unit and integration tests.

/** The event announcing that a new order (two lines) reached `status`. */
export function orderEvent(status: OrderStatus, orderId: string = randomUUID()): OrderEvent {
  const now = new Date().toISOString();
  const items = [
    { sku: 'JUMPERS', quantity: 2, unitPrice: 2500 },
    { sku: 'SCARVES', quantity: 1, unitPrice: 1800 },
  ];
  const order: Order = {
    id: orderId,
    customerId: randomUUID(),
    items,
    currency: 'EUR',
    total: 6800,
    status,
    reasons: status === 'CANCELLED' ? ['customer cancelled'] : [],
    createdAt: now,
    updatedAt: now,
  };
  // Parsed, so a fixture that drifts from the contract fails loudly here rather than in a test.
  return orderEventSchema.parse({
    id: randomUUID(),
    type: orderEventTypeByStatus[status],
    occurredAt: now,
    source: 'orders',
    orderId: order.id,
    customerId: order.customerId,
    status,
    order,
    ...(status === 'CREATED' ? { payment: { reference: samplePaymentReference } } : {}),
  });
}

/** The same order moved on to `status`, under a new event id. */
export function moved(event: OrderEvent, status: OrderStatus): OrderEvent {
  const next = orderEvent(status, event.orderId);
  return orderEventSchema.parse({
    ...next,
    customerId: event.customerId,
    order: { ...next.order, customerId: event.customerId },
  });
}

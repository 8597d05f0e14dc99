import { randomUUID } from 'node:crypto';
import {
  type Customer,
  type CustomerChangedEvent,
  type CustomerLevel,
  customerChangedEventSchema,
  type Order,
  type OrderEvent,
  type OrderStatus,
  orderEventSchema,
  orderEventTypeByStatus,
} from '@microshop/contracts';
import type { ConsumedMessage } from '@microshop/platform';
import { consumedMessage, samplePaymentReference } from '@microshop/platform/testing';

// Customer and order events as the customers and orders services write them.

export const ordersTopic = 'microshop.order-outbox';
export const customersTopic = 'microshop.customers';

export function customerEvent(
  level: CustomerLevel,
  options: { customerId?: string; updatedAt?: Date; type?: CustomerChangedEvent['type'] } = {},
): CustomerChangedEvent {
  const at = (options.updatedAt ?? new Date()).toISOString();
  const customer: Customer = {
    id: options.customerId ?? randomUUID(),
    name: 'Ann Smith',
    email: 'ann@example.com',
    level,
    createdAt: at,
    updatedAt: at,
  };
  return customerChangedEventSchema.parse({
    id: randomUUID(),
    type: options.type ?? 'CustomerRegistered',
    occurredAt: at,
    source: 'customers',
    customerId: customer.id,
    customer,
  });
}

export function orderEvent(
  status: OrderStatus,
  options: { customerId?: string; orderId?: string; at?: Date } = {},
): OrderEvent {
  const at = (options.at ?? new Date()).toISOString();
  const order: Order = {
    id: options.orderId ?? randomUUID(),
    customerId: options.customerId ?? randomUUID(),
    items: [{ sku: 'JUMPERS', quantity: 1, unitPrice: 2500 }],
    currency: 'EUR',
    total: 2500,
    status,
    reasons: [],
    createdAt: at,
    updatedAt: at,
  };
  const type = orderEventTypeByStatus[status];
  return orderEventSchema.parse({
    id: randomUUID(),
    type,
    occurredAt: at,
    source: 'orders',
    orderId: order.id,
    customerId: order.customerId,
    status,
    order,
    ...(type === 'OrderCreated' ? { payment: { reference: samplePaymentReference } } : {}),
  });
}

/** The event as the consumer would hand it over (Debezium puts the event id in header `id`). */
export function consumed(event: OrderEvent | CustomerChangedEvent, topic: string): ConsumedMessage {
  return consumedMessage(event, { topic });
}

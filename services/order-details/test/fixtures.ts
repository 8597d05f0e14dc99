import { randomUUID } from 'node:crypto';
import {
  type CustomerChangedEvent,
  customerChangedEventSchema,
  type OrderCreatedEvent,
  type ProductChangedEvent,
  productChangedEventSchema,
} from '@microshop/contracts';
import type { ConsumedMessage } from '@microshop/platform';
import { consumedMessage, type OrderCreatedOptions, orderCreatedEvent } from '@microshop/platform/testing';

// Events as the orders, customers and inventory services write them, for unit and integration tests.

/** An OrderCreated of 2 × JUMPERS at 25.00 unless the test gives its lines. */
export function orderCreated(options: OrderCreatedOptions = {}): OrderCreatedEvent {
  return orderCreatedEvent({ items: [{ sku: 'JUMPERS', quantity: 2, unitPrice: 2500 }], ...options });
}

export function customerChanged(customerId: string, updatedAt = new Date()): CustomerChangedEvent {
  const at = updatedAt.toISOString();
  return customerChangedEventSchema.parse({
    id: randomUUID(),
    type: 'CustomerRegistered',
    occurredAt: at,
    source: 'customers',
    customerId,
    customer: {
      id: customerId,
      name: 'Ada',
      email: 'ada@example.com',
      level: 'gold',
      createdAt: at,
      updatedAt: at,
    },
  });
}

export interface ProductOptions {
  unitPrice?: number;
  currency?: string;
  updatedAt?: Date;
}

export function productChanged(sku: string, options: ProductOptions = {}): ProductChangedEvent {
  const at = (options.updatedAt ?? new Date()).toISOString();
  return productChangedEventSchema.parse({
    id: randomUUID(),
    type: 'ProductChanged',
    occurredAt: at,
    source: 'inventory',
    sku,
    product: {
      sku,
      name: sku.toLowerCase(),
      unitPrice: options.unitPrice ?? 2500,
      currency: options.currency ?? 'EUR',
      stock: 10,
      reserved: 0,
      updatedAt: at,
    },
  });
}

/** A sku no other test uses, so test files sharing nothing but the catalog shape cannot collide. */
export function uniqueSku(prefix = 'SKU'): string {
  return `${prefix}-${randomUUID().slice(0, 8).toUpperCase()}`;
}

export function secondsAgo(seconds: number): Date {
  return new Date(Date.now() - seconds * 1000);
}

/** The event as the consumer would hand it over (Debezium puts the event id in header `id`). */
export function consumed(event: unknown, topic = 'microshop.order-outbox'): ConsumedMessage {
  return consumedMessage(event, { topic, key: null });
}

import { randomUUID } from 'node:crypto';
import {
  type CustomerChangedEvent,
  customerChangedEventSchema,
  type OrderCreatedEvent,
  type OrderItem,
  orderCreatedEventSchema,
  type ProductChangedEvent,
  productChangedEventSchema,
} from '@microshop/contracts';
import type { ConsumedMessage } from '@microshop/platform';
import { consumedMessage, samplePaymentReference } from '@microshop/platform/testing';

// Events as the orders, customers and inventory services write them, for unit and integration tests.

export interface OrderCreatedOptions {
  orderId?: string;
  customerId?: string;
  items?: OrderItem[];
  currency?: string;
  /** Default: Σ quantity × unitPrice, i.e. a correct total. */
  total?: number;
  /** `createdAt`; default now. */
  at?: Date;
}

export function orderCreated(options: OrderCreatedOptions = {}): OrderCreatedEvent {
  const at = (options.at ?? new Date()).toISOString();
  const items = options.items ?? [{ sku: 'JUMPERS', quantity: 2, unitPrice: 2500 }];
  const order = {
    id: options.orderId ?? randomUUID(),
    customerId: options.customerId ?? randomUUID(),
    items,
    currency: options.currency ?? 'EUR',
    total: options.total ?? items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0),
    status: 'CREATED' as const,
    reasons: [],
    createdAt: at,
    updatedAt: at,
  };
  return orderCreatedEventSchema.parse({
    id: randomUUID(),
    type: 'OrderCreated',
    occurredAt: at,
    source: 'orders',
    orderId: order.id,
    customerId: order.customerId,
    status: 'CREATED',
    order,
    payment: { reference: samplePaymentReference },
  });
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

import { randomUUID } from 'node:crypto';
import { type OrderCreatedEvent, orderCreatedEventSchema } from '@microshop/contracts';
import type { ConsumedMessage } from '@microshop/platform';
import { consumedMessage, samplePaymentReference } from '@microshop/platform/testing';

// OrderCreated events as the orders service writes them, for unit and integration tests.

export interface OrderCreatedOptions {
  orderId?: string;
  customerId?: string;
  /** Minor units; the order is one line of this price. */
  total?: number;
  currency?: string;
  /** The order's time (`createdAt`), which places it in a session; default now. */
  at?: Date;
  eventId?: string;
}

export function orderCreated(options: OrderCreatedOptions = {}): OrderCreatedEvent {
  const at = (options.at ?? new Date()).toISOString();
  const total = options.total ?? 100_000;
  const order = {
    id: options.orderId ?? randomUUID(),
    customerId: options.customerId ?? randomUUID(),
    items: [{ sku: 'JUMPERS', quantity: 1, unitPrice: total }],
    currency: options.currency ?? 'EUR',
    total,
    status: 'CREATED' as const,
    reasons: [],
    createdAt: at,
    updatedAt: at,
  };
  // Parsed, so a fixture that drifts from the contract fails loudly here rather than in a test.
  return orderCreatedEventSchema.parse({
    id: options.eventId ?? randomUUID(),
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

/** `base` + `ms` milliseconds. */
export function after(base: Date, ms: number): Date {
  return new Date(base.getTime() + ms);
}

/** The event as the consumer would hand it over (Debezium puts the event id in header `id`). */
export function consumed(event: unknown, topic = 'microshop.order-outbox'): ConsumedMessage {
  return consumedMessage(event, { topic });
}

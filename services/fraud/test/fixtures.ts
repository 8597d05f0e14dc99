import type { OrderCreatedEvent } from '@microshop/contracts';
import type { ConsumedMessage } from '@microshop/platform';
import {
  consumedMessage,
  type OrderCreatedOptions as KitOrderCreatedOptions,
  orderCreatedEvent,
} from '@microshop/platform/testing';

// OrderCreated events as the orders service writes them, for unit and integration tests.

export type OrderCreatedOptions = Omit<KitOrderCreatedOptions, 'items'>;

/** An OrderCreated of one line whose price is the order's total (default 1000.00), as fraud sums totals. */
export function orderCreated(options: OrderCreatedOptions = {}): OrderCreatedEvent {
  const total = options.total ?? 100_000;
  return orderCreatedEvent({ ...options, total, items: [{ sku: 'JUMPERS', quantity: 1, unitPrice: total }] });
}

/** `base` + `ms` milliseconds. */
export function after(base: Date, ms: number): Date {
  return new Date(base.getTime() + ms);
}

/** The event as the consumer would hand it over (Debezium puts the event id in header `id`). */
export function consumed(event: unknown, topic = 'microshop.order-outbox'): ConsumedMessage {
  return consumedMessage(event, { topic });
}

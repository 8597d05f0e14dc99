import type { OrderValidationEvent, Product, TopicName } from '@microshop/contracts';
import { type OutboxMessage, outboxMessage } from '@microshop/platform';
import { productChangedEvent } from '../domain/messages.ts';

/**
 * Inventory's two kinds of outgoing events as outbox rows, written in the transaction of the change
 * they announce (Debezium publishes them when it commits): the verdict on an order (key = order id)
 * and each changed product (key = sku, on a compacted topic).
 */

export interface InventoryTopics {
  /** `microshop.order-validations` (tests use their own). */
  validations: TopicName;
  /** `microshop.products` (tests use their own). */
  products: TopicName;
}

/** Where events go and how they are stamped; main passes the real clock and randomUUID. */
export interface Publishing {
  topics: InventoryTopics;
  now: () => Date;
  newId: () => string;
}

export function validationMessage(publishing: Publishing, event: OrderValidationEvent): OutboxMessage {
  return outboxMessage(event, { topic: publishing.topics.validations, key: event.orderId });
}

/** One ProductChanged per product, each carrying the whole product as it is now. */
export function productChangeMessages(
  publishing: Publishing,
  products: readonly Product[],
  at: Date,
): OutboxMessage[] {
  return products.map((product) => {
    const event = productChangedEvent(product, { id: publishing.newId(), at });
    return outboxMessage(event, { topic: publishing.topics.products, key: event.sku });
  });
}

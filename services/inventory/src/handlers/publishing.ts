import type { OrderValidationEvent, Product, TopicName } from '@microshop/contracts';
import { appendToOutbox, outboxMessage, type PoolClient } from '@microshop/platform';
import { productChangedEvent } from '../domain/events.ts';

/**
 * Inventory's two kinds of outgoing events, written to its outbox in the caller's transaction
 * (Debezium publishes them when it commits): the verdict on an order (key = order id) and each
 * changed product (key = sku, on a compacted topic).
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

export async function publishValidation(
  client: PoolClient,
  publishing: Publishing,
  event: OrderValidationEvent,
): Promise<void> {
  await appendToOutbox(client, [
    outboxMessage(event, { topic: publishing.topics.validations, key: event.orderId }),
  ]);
}

/** One ProductChanged per product, each carrying the whole product as it is now. */
export async function publishProductChanges(
  client: PoolClient,
  publishing: Publishing,
  products: readonly Product[],
  at: Date,
): Promise<void> {
  const messages = products.map((product) => {
    const event = productChangedEvent(product, { id: publishing.newId(), at });
    return outboxMessage(event, { topic: publishing.topics.products, key: event.sku });
  });
  await appendToOutbox(client, messages);
}

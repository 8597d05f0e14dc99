import type { ShipmentEvent, TopicName } from '@microshop/contracts';
import { appendToOutbox, outboxMessage, type PoolClient } from '@microshop/platform';

/**
 * Shipments' outgoing events, written to its outbox in the caller's transaction (Debezium publishes
 * them when it commits), on `microshop.shipments` with key = order id.
 */

/** Where events go and how they are stamped; main passes the real clock and randomUUID. */
export interface Publishing {
  /** `microshop.shipments` (tests use their own). */
  topic: TopicName;
  now: () => Date;
  newId: () => string;
}

export async function publishShipmentEvent(
  client: PoolClient,
  publishing: Publishing,
  event: ShipmentEvent,
): Promise<void> {
  await appendToOutbox(client, [outboxMessage(event, { topic: publishing.topic, key: event.orderId })]);
}

import type { PaymentEvent, TopicName } from '@microshop/contracts';
import { appendToOutbox, outboxMessage, type PoolClient } from '@microshop/platform';

/**
 * Payments' outgoing events, written to its outbox in the caller's transaction (Debezium publishes
 * them when it commits): PaymentSucceeded, PaymentFailed and PaymentRefunded on
 * `microshop.payments`, key = order id, so the events of one order stay in order.
 */
export async function publishPaymentEvents(
  client: PoolClient,
  topic: TopicName,
  events: readonly PaymentEvent[],
): Promise<void> {
  await appendToOutbox(
    client,
    events.map((event) => outboxMessage(event, { topic, key: event.orderId })),
  );
}

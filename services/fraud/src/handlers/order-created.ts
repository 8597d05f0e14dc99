import { randomUUID } from 'node:crypto';
import {
  type OrderCreatedEvent,
  type OrderValidationEvent,
  orderEventSchema,
  orderValidationEvent,
  type TopicName,
} from '@microshop/contracts';
import {
  appendToOutbox,
  type ConsumedMessage,
  decodeEvent,
  type HandleOnceResult,
  handleOnce,
  inboxMessageOf,
  type MessageHandler,
  outboxMessage,
  type Pool,
  type PoolClient,
} from '@microshop/platform';
import { applyOrderToSession, type SessionOutcome, type SessionRules } from '../domain/session.ts';
import {
  isCounted,
  lockCurrentSession,
  recordCountedOrder,
  saveCurrentSession,
} from '../store/session-store.ts';

/**
 * The Kafka handler of `microshop.order-outbox`: each OrderCreated is counted into its customer's
 * session and judged; the session, the counted order, the OrderValidation outbox row and the inbox
 * row commit in one transaction, so a redelivery changes nothing and sends nothing.
 */

export interface FraudHandlerOptions {
  pool: Pool;
  /** The inbox's consumer name: the consumer group. */
  consumer: string;
  rules: SessionRules;
  /** Where verdicts go: `microshop.order-validations` (tests use their own). */
  validationsTopic: TopicName;
  now?: () => Date;
  newId?: () => string;
}

/** What one OrderCreated did: counted and judged, or found already counted under another event id. */
export type FraudOutcome =
  | { kind: 'judged'; outcome: SessionOutcome; validation: OrderValidationEvent }
  | { kind: 'already-counted' };

export function createOrderCreatedHandler(options: FraudHandlerOptions): MessageHandler {
  return async (message, context) => {
    const event = decodeOrderCreated(message);
    if (event === null) return; // another status event or an unknown type: not ours to judge
    const handled = await handleOrderCreated(options, message, event);
    if (handled.status === 'skipped' || handled.result.kind === 'already-counted') {
      context.logger.debug({ orderId: event.orderId }, 'order already counted; nothing sent');
      return;
    }
    const { validation, outcome } = handled.result;
    context.logger.info(
      { orderId: event.orderId, result: validation.result, sessionTotal: outcome.session.total },
      'order judged',
    );
  };
}

/** Counts `event` once per consumer: the inbox row, the session and the verdict commit together. */
export function handleOrderCreated(
  options: FraudHandlerOptions,
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  event: OrderCreatedEvent,
): Promise<HandleOnceResult<FraudOutcome>> {
  const delivery = inboxMessageOf(message, event.id);
  return handleOnce(options.pool, options.consumer, delivery, (client) =>
    judgeOrder(client, options, event, delivery.eventId),
  );
}

async function judgeOrder(
  client: PoolClient,
  options: FraudHandlerOptions,
  event: OrderCreatedEvent,
  eventId: string,
): Promise<FraudOutcome> {
  const { order } = event;
  // Lock first, then look: a second announcement of the order waits here and then sees it counted.
  const current = await lockCurrentSession(client, order.customerId, order.currency);
  if (await isCounted(client, order.id)) return { kind: 'already-counted' };
  const outcome = applyOrderToSession(current, order, options.rules);
  await saveCurrentSession(client, outcome.session, current !== null);
  await recordCountedOrder(client, {
    orderId: order.id,
    eventId,
    createdAt: new Date(order.createdAt),
    amount: order.total,
    session: outcome.session,
    verdict: outcome.verdict,
  });
  const validation = orderValidationEvent('FRAUD', order.id, outcome.verdict, {
    id: (options.newId ?? randomUUID)(),
    at: (options.now ?? (() => new Date()))(),
  });
  await appendToOutbox(client, [
    outboxMessage(validation, { topic: options.validationsTopic, key: order.id }),
  ]);
  return { kind: 'judged', outcome, validation };
}

/**
 * The OrderCreated a message carries; null for a tombstone or any other type (the other status events
 * share the topic). An OrderCreated that breaks its schema is a non-retriable error: the consumer parks
 * it on the dead-letter topic.
 */
export function decodeOrderCreated(message: Pick<ConsumedMessage, 'value'>): OrderCreatedEvent | null {
  const event = decodeEvent(message.value, ['OrderCreated'], orderEventSchema);
  return event?.type === 'OrderCreated' ? event : null;
}

import { randomUUID } from 'node:crypto';
import {
  type OrderCreatedEvent,
  type OrderValidationEvent,
  orderEventSchema,
  orderValidationEvent,
  type TopicName,
} from '@microshop/contracts';
import {
  AppError,
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
import { checkOrderDetails, type DetailsDecision, describeFailure } from '../domain/checks.ts';
import { recordCheck } from '../store/check-store.ts';
import { loadReferences } from '../store/reference-store.ts';

/**
 * The Kafka handler of `microshop.order-outbox`: each OrderCreated is checked against the copies of
 * customers and catalog; the verdict row, its OrderValidation outbox row and the inbox row commit in
 * one transaction. An unknown customer or sku within the grace period throws a retriable error: the
 * transaction rolls back (no inbox row) and the consumer tries again after a backoff.
 */

export interface OrderHandlerOptions {
  pool: Pool;
  /** The inbox's consumer name: the consumer group. */
  consumer: string;
  graceMs: number;
  /** Where verdicts go: `microshop.order-validations` (tests use their own). */
  validationsTopic: TopicName;
  now?: () => Date;
  newId?: () => string;
}

export type OrderCheckOutcome =
  | { kind: 'checked'; validation: OrderValidationEvent }
  | { kind: 'already-checked' };

export function createOrderCreatedHandler(options: OrderHandlerOptions): MessageHandler {
  return async (message, context) => {
    const event = decodeOrderCreated(message);
    if (event === null) return; // another status event or an unknown type: not ours to check
    const handled = await handleOrderCreated(options, message, event);
    if (handled.status === 'skipped' || handled.result.kind === 'already-checked') {
      context.logger.debug({ orderId: event.orderId }, 'order already checked; nothing sent');
      return;
    }
    const { validation } = handled.result;
    context.logger.info(
      { orderId: event.orderId, result: validation.result, reason: validation.reason },
      'order details checked',
    );
  };
}

/** Checks `event` once per consumer: the inbox row, the verdict and its outbox row commit together. */
export function handleOrderCreated(
  options: OrderHandlerOptions,
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  event: OrderCreatedEvent,
): Promise<HandleOnceResult<OrderCheckOutcome>> {
  const delivery = inboxMessageOf(message, event.id);
  return handleOnce(options.pool, options.consumer, delivery, (client) =>
    checkOrder(client, options, event, delivery.eventId),
  );
}

async function checkOrder(
  client: PoolClient,
  options: OrderHandlerOptions,
  event: OrderCreatedEvent,
  eventId: string,
): Promise<OrderCheckOutcome> {
  const { order } = event;
  const now = (options.now ?? (() => new Date()))();
  const references = await loadReferences(
    client,
    order.customerId,
    order.items.map((item) => item.sku),
  );
  const decision = checkOrderDetails(order, references, { graceMs: options.graceMs, now });
  if (decision.kind === 'wait') throw referencesNotYetKnown(order.id, decision);
  const recorded = await recordCheck(client, {
    orderId: order.id,
    customerId: order.customerId,
    verdict: decision.verdict,
    eventId,
  });
  if (!recorded) return { kind: 'already-checked' };
  const validation = orderValidationEvent('ORDER_DETAILS', order.id, decision.verdict, {
    id: (options.newId ?? randomUUID)(),
    at: now,
  });
  await appendToOutbox(client, [
    outboxMessage(validation, { topic: options.validationsTopic, key: order.id }),
  ]);
  return { kind: 'checked', validation };
}

/** Retriable: the copy may only be late. After the grace period the same order FAILs instead. */
export function referencesNotYetKnown(
  orderId: string,
  decision: Extract<DetailsDecision, { kind: 'wait' }>,
): AppError {
  const missing = decision.unknown.map(describeFailure).join('; ');
  return new AppError(
    'NOT_FOUND',
    `order ${orderId}: ${missing}; waiting for the copy until ${decision.graceEndsAt.toISOString()}`,
    { retriable: true },
  );
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

import { randomUUID } from 'node:crypto';
import { type OrderValidationEvent, orderValidationEventSchema, type TopicName } from '@microshop/contracts';
import {
  type ConsumedMessage,
  decodeEvent,
  type HandlerTransaction,
  outboxMessage,
  type TransactionalHandler,
  transactional,
} from '@microshop/platform';
import { type AggregatorEvent, decide, decisionEvent } from '../domain/aggregation.ts';
import { insertDecision, insertResult, lockOrder, readState } from '../store/aggregate-store.ts';

/**
 * The consumer of `microshop.order-validations`: each result is recorded and, when it completes the
 * order (or is its first FAIL), the decision row and its outbox event are written. The kit runs it in
 * one transaction with the inbox row, so a redelivery changes nothing.
 */

export interface AggregateValidationsOptions {
  /** Where decisions go: `microshop.order-decisions` (tests use their own). */
  decisionsTopic: TopicName;
  now?: () => Date;
  newId?: () => string;
}

export function aggregateValidations(
  options: AggregateValidationsOptions,
): TransactionalHandler<OrderValidationEvent> {
  return transactional({
    decode: decodeValidation,
    apply: (event, tx) => aggregate(tx, options, event),
  });
}

/**
 * Under a per-order lock, so the last two results of an order handled at once (two instances, a
 * rebalance) still see each other: decide on the stored state, then record what was decided.
 */
async function aggregate(
  tx: HandlerTransaction,
  options: AggregateValidationsOptions,
  validation: OrderValidationEvent,
): Promise<void> {
  const now = (options.now ?? (() => new Date()))();
  await lockOrder(tx.client, validation.orderId);
  const state = await readState(tx.client, validation.orderId);
  const events = decide({ type: 'RecordResult', result: validation }, state);
  for (const event of events) await record(tx, options, validation, event, now);
  log(tx, validation, events);
}

async function record(
  tx: HandlerTransaction,
  options: AggregateValidationsOptions,
  validation: OrderValidationEvent,
  event: AggregatorEvent,
  now: Date,
): Promise<void> {
  if (event.type === 'ResultRecorded') {
    await insertResult(tx.client, validation.orderId, event.result, tx.eventId, now);
  } else if (event.type === 'OrderDecided') {
    const announcement = decisionEvent(event, { id: (options.newId ?? randomUUID)(), at: now });
    await insertDecision(tx.client, event.orderId, event.decision, announcement.id, now);
    // Keyed by the order id: the orders service applies an order's messages in order.
    tx.publish(outboxMessage(announcement, { topic: options.decisionsTopic, key: event.orderId }));
  }
}

/**
 * The validation a message carries; null for a tombstone or another `type`. An OrderValidation
 * that breaks its schema is a non-retriable error: the consumer parks it on the dead-letter topic.
 */
export function decodeValidation(message: Pick<ConsumedMessage, 'value'>): OrderValidationEvent | null {
  return decodeEvent(message.value, ['OrderValidation'], orderValidationEventSchema);
}

function log(tx: HandlerTransaction, validation: OrderValidationEvent, events: AggregatorEvent[]): void {
  const fields = { orderId: validation.orderId, check: validation.check, result: validation.result };
  const decided = events.find((event) => event.type === 'OrderDecided');
  if (decided !== undefined) {
    tx.logger.info({ ...fields, outcome: decided.decision.outcome }, 'order decided');
  } else if (events.some((event) => event.type === 'ResultIgnored' && event.why === 'contradicting')) {
    tx.logger.warn(fields, 'a check reported twice with different results; the first one stands');
  } else {
    tx.logger.debug(fields, 'validation recorded without a decision');
  }
}

import { randomUUID } from 'node:crypto';
import {
  type OrderValidationEvent,
  orderValidationEventSchema,
  type TopicName,
  type ValidationDecision,
} from '@microshop/contracts';
import {
  appendToOutbox,
  type ConsumedMessage,
  decodeEvent,
  eventTypeOf,
  type HandleOnceResult,
  handleOnce,
  inboxMessageOf,
  type Logger,
  type MessageHandler,
  type Pool,
  type PoolClient,
} from '@microshop/platform';
import { decide, type Step, type StepKind, unreachable } from '../domain/aggregation.ts';
import { insertDecision, insertResult, lockOrder, readState } from '../store/aggregate-store.ts';

/**
 * The Kafka handler of `microshop.order-validations`: each result is recorded and, when it
 * completes the order (or is its first FAIL), the decision row and its outbox event are written —
 * all in one transaction with the inbox row, so a redelivery changes nothing.
 */

export interface ValidationHandlerOptions {
  pool: Pool;
  /** The inbox's consumer name: the consumer group. */
  consumer: string;
  /** Where decisions go: `microshop.order-decisions` (tests use their own). */
  decisionsTopic: TopicName;
  now?: () => Date;
  newId?: () => string;
}

export const orderValidationType = 'OrderValidation';

export function createValidationHandler(options: ValidationHandlerOptions): MessageHandler {
  return async (message, context) => {
    const event = decodeValidation(message);
    if (event === null) {
      context.logger.debug({ type: eventTypeOf(message.value) }, 'not an order validation; skipped');
      return;
    }
    const outcome = await handleValidation(options, message, event);
    if (outcome.status === 'skipped') {
      context.logger.debug({ orderId: event.orderId }, 'validation already handled; skipped');
      return;
    }
    logStep(context.logger, event, outcome.result);
  };
}

/** Applies `event` once per consumer: the inbox row, the result and any decision commit together. */
export function handleValidation(
  options: ValidationHandlerOptions,
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  event: OrderValidationEvent,
): Promise<HandleOnceResult<Step>> {
  const delivery = inboxMessageOf(message, event.id);
  return handleOnce(options.pool, options.consumer, delivery, (client) =>
    applyValidation(client, options, event, delivery.eventId),
  );
}

/** The aggregation itself, inside the caller's transaction. */
export async function applyValidation(
  client: PoolClient,
  options: ValidationHandlerOptions,
  event: OrderValidationEvent,
  eventId: string,
): Promise<Step> {
  const now = (options.now ?? (() => new Date()))();
  await lockOrder(client, event.orderId);
  const state = await readState(client, event.orderId);
  const step = decide(state, event, { now, eventId: (options.newId ?? randomUUID)() });
  if (step.recorded !== undefined) await insertResult(client, event.orderId, step.recorded, eventId, now);
  if (step.decision !== undefined && step.emit !== undefined) {
    await insertDecision(client, event.orderId, step.decision, step.emit.id, now);
    await appendToOutbox(client, [toOutbox(step.emit, options.decisionsTopic)]);
  }
  return step;
}

/** Topic microshop.order-decisions, key = order id: the orders service applies it in order. */
function toOutbox(decision: ValidationDecision, topic: TopicName) {
  return { id: decision.id, topic, key: decision.orderId, type: decision.type, payload: decision };
}

/**
 * The validation a message carries; null for a tombstone or another `type`. An OrderValidation
 * that breaks its schema is a non-retriable error: the consumer parks it on the dead-letter topic.
 */
export function decodeValidation(message: Pick<ConsumedMessage, 'value'>): OrderValidationEvent | null {
  return decodeEvent(message.value, [orderValidationType], orderValidationEventSchema);
}

function logStep(logger: Logger, event: OrderValidationEvent, step: Step): void {
  const fields = { orderId: event.orderId, check: event.check, result: event.result, step: step.kind };
  const kind: StepKind = step.kind;
  switch (kind) {
    case 'decided':
      logger.info({ ...fields, decision: step.emit?.type }, 'order decided');
      return;
    case 'pending':
    case 'late':
    case 'duplicate':
      logger.debug(fields, 'validation recorded without a decision');
      return;
    case 'contradicting':
      logger.warn(fields, 'a check reported twice with different results; the first one stands');
      return;
    default:
      unreachable(kind);
  }
}

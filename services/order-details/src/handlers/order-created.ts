import { type OrderCreatedEvent, type OrderValidationEvent, orderEventSchema } from '@microshop/contracts';
import {
  type ConsumedMessage,
  decodeEvent,
  type HandleOnceResult,
  handleOnce,
  inboxMessageOf,
  type MessageHandler,
  type Pool,
  type PoolClient,
} from '@microshop/platform';
import {
  checkOrderDetails,
  describeFailure,
  type MissingReferences,
  missingReferencesOf,
} from '../domain/checks.ts';
import { hasCheck } from '../store/check-store.ts';
import { parkOrder } from '../store/pending-store.ts';
import { loadReferences, lockReferencesShared } from '../store/reference-store.ts';
import { sendVerdict, type VerdictOptions } from './verdicts.ts';

/**
 * The Kafka handler of `microshop.order-outbox`: each OrderCreated is checked against the copies of
 * customers and catalog. If they know every reference, the verdict row, its OrderValidation outbox
 * row and the inbox row commit in one transaction. If a customer or sku is unknown before the order's
 * deadline, the order is parked in `pending_checks` in that same transaction and the handler returns:
 * the partition goes on at once, and the verdict comes later from the reference consumer (the copy
 * arrived) or the deadline loop (it did not). See README: "Parking".
 */

export interface OrderHandlerOptions extends VerdictOptions {
  pool: Pool;
  /** The inbox's consumer name: the consumer group. */
  consumer: string;
  graceMs: number;
}

export type OrderCheckOutcome =
  | { kind: 'checked'; validation: OrderValidationEvent }
  | { kind: 'parked'; missing: MissingReferences; reason: string; deadlineAt: Date }
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
    const outcome = handled.result;
    if (outcome.kind === 'parked') {
      context.logger.info(
        { orderId: event.orderId, waitingFor: outcome.reason, deadlineAt: outcome.deadlineAt },
        'order parked until its references are copied or its deadline passes',
      );
      return;
    }
    const { validation } = outcome;
    context.logger.info(
      { orderId: event.orderId, result: validation.result, reason: validation.reason },
      'order details checked',
    );
  };
}

/** Checks `event` once per consumer: the inbox row and the verdict (or the parking) commit together. */
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
  const skus = order.items.map((item) => item.sku);
  let decision = checkOrderDetails(order, await loadReferences(client, order.customerId, skus), {
    graceMs: options.graceMs,
    now,
  });
  if (decision.kind === 'wait') {
    // About to park: lock what is missing and look again, so a copy committing meanwhile is either
    // seen now or, if it commits after us, finds this order parked (see lockReferencesShared).
    const missing = missingReferencesOf(decision.unknown);
    await lockReferencesShared(client, {
      ...(missing.customer ? { customerId: order.customerId } : {}),
      skus: missing.skus,
    });
    decision = checkOrderDetails(order, await loadReferences(client, order.customerId, skus), {
      graceMs: options.graceMs,
      now,
    });
  }
  if (decision.kind === 'wait') {
    // The same order under another event id, after its verdict: not parked again, nothing sent.
    if (await hasCheck(client, order.id)) return { kind: 'already-checked' };
    const missing = missingReferencesOf(decision.unknown);
    await parkOrder(client, { order, eventId, missing, deadlineAt: decision.graceEndsAt });
    return {
      kind: 'parked',
      missing,
      reason: decision.unknown.map(describeFailure).join('; '),
      deadlineAt: decision.graceEndsAt,
    };
  }
  const validation = await sendVerdict(client, options, { order, verdict: decision.verdict, eventId }, now);
  return validation === null ? { kind: 'already-checked' } : { kind: 'checked', validation };
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

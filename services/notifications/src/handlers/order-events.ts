import { type OrderEvent, orderEventSchema, orderEventTypes } from '@microshop/contracts';
import {
  type ConsumedMessage,
  decodeEvent,
  type HandleOnceResult,
  handleOnce,
  inboxMessageOf,
  type Logger,
} from '@microshop/platform';
import { lockFactShared, lockQueue, type ParkedAwaiting, parkEvent } from '../store/parked-events.ts';
import { advance, factAwaited, noProgress, type OrderEventDeps, type Progress } from './parking.ts';

export type { OrderEventDeps } from './parking.ts';

/**
 * `microshop.order-outbox` → everything this service does with an order status event, in one
 * transaction with the inbox row: routing, then the customer email (queued, sent by the sender loop).
 * If either has to wait for a fact (the customer, a tracking number, a refund), or an earlier event of
 * the same order is parked, the event is parked in that transaction and the handler returns: its
 * partition goes on at once, and the event is taken up again when the fact arrives or its wait is over.
 */

export interface OrderEventOutcome extends Progress {
  /** Null when the event is done; else what it waits for and until when (null: behind an earlier one). */
  parked: { awaiting: ParkedAwaiting; deadlineAt: Date | null } | null;
}

export function decodeOrderEvent(message: Pick<ConsumedMessage, 'value'>): OrderEvent | null {
  return decodeEvent(message.value, orderEventTypes, orderEventSchema);
}

export function handleOrderEvent(
  deps: OrderEventDeps,
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  event: OrderEvent,
  logger: Logger,
): Promise<HandleOnceResult<OrderEventOutcome>> {
  const delivery = inboxMessageOf(message, event.id);
  return handleOnce(deps.pool, deps.consumer, delivery, async (client) => {
    const eventId = delivery.eventId;
    // An order's events keep their order: behind a parked one, this one waits too.
    if ((await lockQueue(client, event.orderId)).length > 0) {
      await parkEvent(client, { event, eventId, routed: false, awaiting: 'earlier', deadlineAt: null });
      return { ...noProgress(), parked: { awaiting: 'earlier', deadlineAt: null } };
    }
    const progress = noProgress();
    let step = await advance(client, deps, { event, eventId, routed: false }, logger, progress);
    // About to park: lock the fact awaited and look again, so a fact committing meanwhile is either
    // seen now or, if it commits after us, finds this event parked (see lockFactShared). Looking again
    // can get further (routed, now the email waits for something else): then lock that one too.
    const locked = new Set<string>();
    while (step.kind === 'wait') {
      const fact = factAwaited(event, step.awaiting);
      const key = JSON.stringify(fact);
      if (locked.has(key)) break;
      locked.add(key);
      await lockFactShared(client, fact);
      step = await advance(client, deps, { event, eventId, routed: step.routed }, logger, progress);
    }
    if (step.kind === 'done') return { ...progress, parked: null };
    const { routed, awaiting, deadlineAt } = step;
    await parkEvent(client, { event, eventId, routed, awaiting, deadlineAt });
    return { ...progress, parked: { awaiting: step.awaiting, deadlineAt: step.deadlineAt } };
  });
}

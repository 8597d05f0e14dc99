import { type OrderEvent, orderEventSchema, orderEventTypes } from '@microshop/contracts';
import {
  type ConsumedMessage,
  currentTraceparent,
  decodeEvent,
  type HandlerTransaction,
} from '@microshop/platform';
import { lockFactShared, lockQueue, type Parking, parkEvent } from '../store/parked-events.ts';
import {
  advance,
  type ForwardingHandler,
  type ForwardingOptions,
  factAwaited,
  noProgress,
  type Progress,
  type Step,
} from './forwarding.ts';

/**
 * `microshop.order-outbox` → everything this service does with an order status event, in the kit's
 * transaction with the inbox row: routing, then the customer email (queued, sent by the sender task).
 * If either has to wait for a fact (the customer, a tracking number, a refund), or an earlier event of
 * the same order is parked, the event is parked in that transaction and the handler returns: its
 * partition goes on at once, and the event is taken up again when the fact arrives or its wait is over.
 */

export function decodeOrderEvent(message: Pick<ConsumedMessage, 'value'>): OrderEvent | null {
  return decodeEvent(message.value, orderEventTypes, orderEventSchema);
}

export function orderEvents(options: ForwardingOptions): ForwardingHandler<OrderEvent> {
  return { decode: decodeOrderEvent, apply: (event, tx) => takeForward(tx, options, event) };
}

async function takeForward(tx: HandlerTransaction, options: ForwardingOptions, event: OrderEvent) {
  const progress = noProgress();
  // An order's events keep their order: behind a parked one, this one waits too.
  if ((await lockQueue(tx.client, event.orderId)).length > 0) {
    await park(tx, { event, routed: false, awaiting: 'earlier', deadlineAt: null });
    return progress;
  }
  const step = await lookAgainUnderLocks(tx, options, event, progress);
  if (step.kind === 'wait') {
    const { routed, awaiting, deadlineAt } = step;
    await park(tx, { event, routed, awaiting, deadlineAt });
  }
  return progress;
}

/**
 * About to park: lock the fact awaited and look again, so a fact committing meanwhile is either seen
 * now or, if it commits after us, finds this event parked (see lockFactShared). Looking again can get
 * further (routed, now the email waits for something else): then lock that one too.
 */
async function lookAgainUnderLocks(
  tx: HandlerTransaction,
  options: ForwardingOptions,
  event: OrderEvent,
  progress: Progress,
): Promise<Step> {
  let step = await advance(tx, options, { event, eventId: tx.eventId, routed: false }, progress);
  const locked = new Set<string>();
  while (step.kind === 'wait') {
    const fact = factAwaited(event, step.awaiting);
    const key = JSON.stringify(fact);
    if (locked.has(key)) break;
    locked.add(key);
    await lockFactShared(tx.client, fact);
    step = await advance(tx, options, { event, eventId: tx.eventId, routed: step.routed }, progress);
  }
  return step;
}

async function park(
  tx: HandlerTransaction,
  parking: Omit<Parking, 'eventId' | 'traceparent'>,
): Promise<void> {
  await parkEvent(tx.client, { ...parking, eventId: tx.eventId, traceparent: currentTraceparent() });
  const { event, awaiting, deadlineAt } = parking;
  tx.logger.info(
    { orderId: event.orderId, status: event.status, awaiting, deadlineAt },
    'order event parked until what it waits for arrives or its wait is over',
  );
}

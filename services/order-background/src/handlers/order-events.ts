import { type OrderEvent, type OrderStatus, orderEventSchema, orderEventTypes } from '@microshop/contracts';
import {
  type ConsumedMessage,
  currentTraceparent,
  decodeEvent,
  type TransactionalHandler,
  transactional,
} from '@microshop/platform';
import { decide } from '../domain/projection.ts';
import { stepStartOf } from '../domain/status.ts';
import { applyProjection, lockOrder, readVersion } from '../store/projection-store.ts';

/** Told how long a step of the checkout took (from, to, seconds), once the event's transaction commits. */
export type StepObserver = (from: OrderStatus, to: OrderStatus, seconds: number) => void;

/**
 * The consumer of `microshop.order-outbox`: each order status event is projected onto the timeline,
 * the customer's order history and the watchdog's deadlines. The kit runs it in one transaction with
 * its inbox row, so a redelivery changes nothing. `onStep` hears each step's duration, from the
 * timeline (the saga step histogram).
 */
export function projectOrdersMeasured(onStep?: StepObserver): TransactionalHandler<OrderEvent> {
  return transactional({
    decode: decodeOrderEvent,
    apply: async (event, tx) => {
      await lockOrder(tx.client, event.orderId);
      const current = await readVersion(tx.client, event.orderId);
      const from = onStep === undefined ? undefined : stepStartOf(event.status);
      const seconds = await applyProjection(
        tx.client,
        decide({ type: 'ProjectOrderEvent', event, eventId: tx.eventId }, current),
        { stepFrom: from, traceparent: currentTraceparent() },
      );
      if (onStep !== undefined && from !== undefined && seconds !== null) {
        tx.afterCommit(() => onStep(from, event.status, seconds));
      }
      tx.logger.debug({ orderId: event.orderId, status: event.status }, 'order event handled');
    },
  });
}

export const projectOrders: TransactionalHandler<OrderEvent> = projectOrdersMeasured();

/**
 * The order status event a message carries; null for a tombstone or a `type` this service does not
 * know (a producer may add event types before every reader knows them). A known type that breaks
 * its schema is a non-retriable error: the consumer parks it on the dead-letter topic.
 */
export function decodeOrderEvent(message: Pick<ConsumedMessage, 'value'>): OrderEvent | null {
  return decodeEvent(message.value, orderEventTypes, orderEventSchema);
}

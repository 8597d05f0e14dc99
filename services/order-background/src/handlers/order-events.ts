import { type OrderEvent, orderEventSchema, orderEventTypes } from '@microshop/contracts';
import {
  type ConsumedMessage,
  decodeEvent,
  eventTypeOf,
  type HandleOnceResult,
  handleOnce,
  inboxMessageOf,
  type MessageHandler,
  type Pool,
  type PoolClient,
} from '@microshop/platform';
import { type Projection, project } from '../domain/projection.ts';
import { applyProjection, lockOrder, readVersion } from '../store/projection-store.ts';

/**
 * The Kafka handler of `microshop.order-outbox`: each order status event is projected onto the
 * timeline, the customer's order history and the watchdog's deadlines in one transaction together
 * with its inbox row, so a redelivery changes nothing.
 */

export interface OrderEventHandlerOptions {
  pool: Pool;
  /** The inbox's consumer name: the consumer group, so another group would handle events anew. */
  consumer: string;
}

export function createOrderEventHandler(options: OrderEventHandlerOptions): MessageHandler {
  return async (message, context) => {
    const event = decodeOrderEvent(message);
    if (event === null) {
      context.logger.debug({ type: eventTypeOf(message.value) }, 'not an order status event; skipped');
      return;
    }
    const outcome = await handleOrderEvent(options, message, event);
    context.logger.debug(
      { orderId: event.orderId, status: event.status, outcome: outcome.status },
      'order event handled',
    );
  };
}

/** Applies `event` once per consumer: the inbox row and the projection commit together. */
export function handleOrderEvent(
  options: OrderEventHandlerOptions,
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  event: OrderEvent,
): Promise<HandleOnceResult<Projection>> {
  const delivery = inboxMessageOf(message, event.id);
  return handleOnce(options.pool, options.consumer, delivery, (client) =>
    applyOrderEvent(client, event, delivery.eventId),
  );
}

/** The projection itself, inside the caller's transaction. */
export async function applyOrderEvent(
  client: PoolClient,
  event: OrderEvent,
  eventId: string,
): Promise<Projection> {
  await lockOrder(client, event.orderId);
  const projection = project(event, eventId, await readVersion(client, event.orderId));
  await applyProjection(client, projection);
  return projection;
}

/**
 * The order status event a message carries; null for a tombstone or a `type` this service does not
 * know (a producer may add event types before every reader knows them). A known type that breaks
 * its schema is a non-retriable error: the consumer parks it on the dead-letter topic.
 */
export function decodeOrderEvent(message: Pick<ConsumedMessage, 'value'>): OrderEvent | null {
  return decodeEvent(message.value, orderEventTypes, orderEventSchema);
}

import {
  type OrderEvent,
  orderEventSchema,
  orderEventTypes,
  type RoutedOrderEvent,
} from '@microshop/contracts';
import {
  type ConsumedMessage,
  decodeEvent,
  type HandleOnceResult,
  handleOnce,
  inboxMessageOf,
  type Logger,
  type Pool,
} from '@microshop/platform';
import { type EmailOptions, type QueuedEmail, queueOrderEmail } from './order-emails.ts';
import { type RoutingOptions, routeOrder } from './order-routing.ts';

/**
 * `microshop.order-outbox` → everything this service does with an order status event, in one
 * transaction with the inbox row: routing, then the customer email (queued, sent by the sender loop).
 * Either one waiting (a retriable error) rolls both back, and the retry does both again.
 */

export interface OrderEventDeps {
  pool: Pool;
  /** The inbox's consumer name: the consumer group. */
  consumer: string;
  routing: RoutingOptions;
  /** Customer emails; without it only routing runs (the routing tests). */
  emails?: EmailOptions;
}

export interface OrderEventOutcome {
  routed: RoutedOrderEvent;
  /** Null when the event gets no email (its status has none, or the email was queued before). */
  email: QueuedEmail | null;
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
  return handleOnce(deps.pool, deps.consumer, delivery, async (client) => ({
    routed: await routeOrder(client, deps.routing, event, logger),
    email:
      deps.emails === undefined
        ? null
        : await queueOrderEmail(client, deps.emails, event, delivery.eventId, logger),
  }));
}

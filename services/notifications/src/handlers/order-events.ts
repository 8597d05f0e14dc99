import {
  type OrderEvent,
  orderEventSchema,
  orderEventTypes,
  type RoutedOrderEvent,
} from '@microshop/contracts';
import {
  type ConsumedMessage,
  type HandleOnceResult,
  handleOnce,
  type Logger,
  type Pool,
} from '@microshop/platform';
import { decodeKnown } from './message-type.ts';
import { type RoutingOptions, routeOrder } from './order-routing.ts';

/**
 * `microshop.order-outbox` → everything this service does with an order status event, in one
 * transaction with the inbox row. Today that is routing; the customer emails will join here, in
 * the same transaction, as a sibling of `routeOrder`.
 */

export interface OrderEventDeps {
  pool: Pool;
  /** The inbox's consumer name: the consumer group. */
  consumer: string;
  routing: RoutingOptions;
}

export interface OrderEventOutcome {
  routed: RoutedOrderEvent;
}

export function decodeOrderEvent(message: Pick<ConsumedMessage, 'value'>): OrderEvent | null {
  return decodeKnown(message.value, orderEventTypes, orderEventSchema);
}

export function handleOrderEvent(
  deps: OrderEventDeps,
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  event: OrderEvent,
  logger: Logger,
): Promise<HandleOnceResult<OrderEventOutcome>> {
  const eventId = message.eventId ?? event.id;
  const delivery = { eventId, topic: message.topic, partition: message.partition, offset: message.offset };
  return handleOnce(deps.pool, deps.consumer, delivery, async (client) => ({
    routed: await routeOrder(client, deps.routing, event, logger),
  }));
}

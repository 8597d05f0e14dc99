import { randomUUID } from 'node:crypto';
import type { OrderEvent, RoutedOrderEvent, TopicName } from '@microshop/contracts';
import { appendToOutbox, type Logger, type PoolClient } from '@microshop/platform';
import {
  chooseLevel,
  eventAgeMs,
  routedEvent,
  routedTopic,
  unreachable,
  waitEndsAt,
} from '../domain/routing.ts';
import { levelOf } from '../store/customer-copy.ts';

/**
 * The routing part of handling an order event, inside the handler's transaction: one OrderRouted
 * per order status event, through the outbox to `microshop.orders-<level>` (key = order id). While
 * the customer is unknown and the event young it says "wait" and writes nothing: the caller parks the
 * event.
 */

export interface RoutingOptions {
  /** How long an order waits for its customer before it is routed as bronze. */
  graceMs: number;
  /** `microshop.orders-` (tests use their own). */
  topicPrefix: string;
  now?: () => Date;
  newId?: () => string;
}

export type RouteStep =
  | { kind: 'routed'; routed: RoutedOrderEvent }
  | { kind: 'wait'; awaiting: 'customer'; deadlineAt: Date };

export async function routeOrder(
  client: PoolClient,
  options: RoutingOptions,
  event: OrderEvent,
  logger: Logger,
): Promise<RouteStep> {
  const now = (options.now ?? (() => new Date()))();
  const choice = chooseLevel(
    await levelOf(client, event.customerId),
    eventAgeMs(event, now),
    options.graceMs,
  );
  switch (choice.kind) {
    case 'wait':
      return { kind: 'wait', awaiting: 'customer', deadlineAt: waitEndsAt(event, options.graceMs) };
    case 'fallback':
      logger.warn(
        { orderId: event.orderId, customerId: event.customerId, ageMs: choice.ageMs, level: choice.level },
        'customer still unknown after the grace period; order routed with the fallback level',
      );
      return { kind: 'routed', routed: await publish(client, options, event, choice.level, now) };
    case 'known':
      return { kind: 'routed', routed: await publish(client, options, event, choice.level, now) };
    default:
      return unreachable(choice);
  }
}

async function publish(
  client: PoolClient,
  options: RoutingOptions,
  event: OrderEvent,
  level: RoutedOrderEvent['level'],
  now: Date,
): Promise<RoutedOrderEvent> {
  const routed = routedEvent(event, level, { now, eventId: (options.newId ?? randomUUID)() });
  // Only the catalog's topics exist on the stack's broker; another prefix is a test's own.
  const topic = routedTopic(options.topicPrefix, level) as TopicName;
  await appendToOutbox(client, [
    { id: routed.id, topic, key: routed.orderId, type: routed.type, payload: routed },
  ]);
  return routed;
}

import { randomUUID } from 'node:crypto';
import type { OrderEvent, RoutedOrderEvent, TopicName } from '@microshop/contracts';
import { AppError, appendToOutbox, type Logger, type PoolClient } from '@microshop/platform';
import { chooseLevel, eventAgeMs, routedEvent, routedTopic, unreachable } from '../domain/routing.ts';
import { levelOf } from '../store/customer-copy.ts';

/**
 * The routing part of handling an order event, inside the handler's transaction: one OrderRouted
 * per order status event, through the outbox to `microshop.orders-<level>` (key = order id).
 */

export interface RoutingOptions {
  /** How long an order waits for its customer before it is routed as bronze. */
  graceMs: number;
  /** `microshop.orders-` (tests use their own). */
  topicPrefix: string;
  now?: () => Date;
  newId?: () => string;
}

export async function routeOrder(
  client: PoolClient,
  options: RoutingOptions,
  event: OrderEvent,
  logger: Logger,
): Promise<RoutedOrderEvent> {
  const now = (options.now ?? (() => new Date()))();
  const choice = chooseLevel(
    await levelOf(client, event.customerId),
    eventAgeMs(event, now),
    options.graceMs,
  );
  switch (choice.kind) {
    case 'wait':
      // Retriable: the consumer tries again with backoff; nothing of this transaction is kept.
      throw new AppError(
        'NOT_FOUND',
        `customer ${event.customerId} of order ${event.orderId} is not known yet (event ${choice.ageMs} ms old)`,
        { retriable: true },
      );
    case 'fallback':
      logger.warn(
        { orderId: event.orderId, customerId: event.customerId, ageMs: choice.ageMs, level: choice.level },
        'customer still unknown after the grace period; order routed with the fallback level',
      );
      return publish(client, options, event, choice.level, now);
    case 'known':
      return publish(client, options, event, choice.level, now);
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

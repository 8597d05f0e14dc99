import {
  type CustomerLevel,
  type OrderEvent,
  ordersByLevelTopic,
  type RoutedOrderEvent,
} from '@microshop/contracts';

/**
 * Dynamic routing: every order status event, enriched with its customer's level, is
 * republished to `microshop.orders-<level>`. Pure: the clock, ids and the known level come in.
 *
 * Customers and orders travel on different topics, so an order of a brand-new customer can arrive
 * before the customer does. Within the grace period the event waits for it (parked, see README);
 * after it, the order is routed as bronze rather than held back for ever.
 */

export const routingSource = 'notifications';

/** The level an unknown customer's orders are routed with once the grace period is over. */
export const fallbackLevel: CustomerLevel = 'bronze';

/** The topic prefix by default: `ordersByLevelTopic` of the contract. */
export const defaultRoutedTopicPrefix = 'microshop.orders-';

export type LevelChoice =
  | { kind: 'known'; level: CustomerLevel }
  /** The customer is not known yet and the event is young: wait for it. */
  | { kind: 'wait'; ageMs: number }
  /** Still unknown after the grace period: route with the fallback level. */
  | { kind: 'fallback'; level: CustomerLevel; ageMs: number };

export function chooseLevel(known: CustomerLevel | null, ageMs: number, graceMs: number): LevelChoice {
  if (known !== null) return { kind: 'known', level: known };
  if (ageMs < graceMs) return { kind: 'wait', ageMs };
  return { kind: 'fallback', level: fallbackLevel, ageMs };
}

/** When an event waiting `graceMs` (from its own `occurredAt`) stops waiting. */
export function waitEndsAt(event: Pick<OrderEvent, 'occurredAt'>, graceMs: number): Date {
  return new Date(Date.parse(event.occurredAt) + graceMs);
}

/** How long ago the order event happened, by its own `occurredAt` (never negative). */
export function eventAgeMs(event: Pick<OrderEvent, 'occurredAt'>, now: Date): number {
  return Math.max(0, now.getTime() - Date.parse(event.occurredAt));
}

export function routedTopic(prefix: string, level: CustomerLevel): string {
  return prefix === defaultRoutedTopicPrefix ? ordersByLevelTopic(level) : `${prefix}${level}`;
}

export function routedEvent(
  event: OrderEvent,
  level: CustomerLevel,
  stamp: { now: Date; eventId: string },
): RoutedOrderEvent {
  return {
    id: stamp.eventId,
    type: 'OrderRouted',
    occurredAt: stamp.now.toISOString(),
    source: routingSource,
    orderId: event.orderId,
    customerId: event.customerId,
    level,
    status: event.status,
    causationId: event.id,
    order: event.order,
  };
}

import type { Order, OrderEvent } from '@microshop/contracts';
import { orderStatusByEventType } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';
import { evolve, type OrderDomainEvent, type OrderState } from './order.ts';

// The outbox envelopes of the order status events (topic microshop.order-outbox, key = customer id).
// Each carries the whole order as it is right after its change.

export const orderEventSource = 'orders';

/**
 * The envelope announcing `event`, which must be the change that left `order` as it is.
 * Throws when they disagree: that is a bug in the caller, never bad input.
 */
export function buildOrderEvent(order: Order, event: OrderDomainEvent, id: string, now: Date): OrderEvent {
  const status = orderStatusByEventType[event.type];
  if (order.status !== status) {
    throw new Error(`cannot announce ${event.type} for order ${order.id} in status ${order.status}`);
  }
  const base = {
    id,
    occurredAt: now.toISOString(),
    source: orderEventSource,
    orderId: order.id,
    customerId: order.customerId,
    order,
  } as const;
  switch (event.type) {
    case 'OrderCreated':
      return {
        ...base,
        type: event.type,
        status: 'CREATED',
        payment: { reference: event.payment.reference },
      };
    case 'OrderValidated':
      return { ...base, type: event.type, status: 'VALIDATED' };
    case 'OrderApproved':
      return { ...base, type: event.type, status: 'APPROVED' };
    case 'OrderShipped':
      return { ...base, type: event.type, status: 'SHIPPED' };
    case 'OrderDelivered':
      return { ...base, type: event.type, status: 'DELIVERED' };
    case 'OrderFailed':
      return { ...base, type: event.type, status: 'FAILED' };
    case 'OrderCancelled':
      return { ...base, type: event.type, status: 'CANCELLED' };
    default:
      return unreachable(event);
  }
}

/** The Kafka key of an order event: the customer id, as a plain string. */
export function orderEventKey(event: Pick<OrderEvent, 'customerId'>): string {
  return event.customerId;
}

/**
 * Applies `events` to `state` and builds one envelope per event, each with the order right after it:
 * what one transaction stores as the new order row plus its outbox rows.
 */
export function outboxEventsFor(
  state: OrderState,
  events: readonly OrderDomainEvent[],
  newId: () => string,
  now: Date,
): { state: OrderState; outbox: OrderEvent[] } {
  const outbox: OrderEvent[] = [];
  let current = state;
  for (const event of events) {
    current = evolve(current, event);
    if (current === null) throw new Error(`${event.type} left no order`);
    outbox.push(buildOrderEvent(current, event, newId(), now));
  }
  return { state: current, outbox };
}

import {
  type OrderEvent,
  type OrderEventType,
  orderEventSchema,
  orderEventTypes,
} from '@microshop/contracts';
import {
  type ConsumedMessage,
  eventTypeOf,
  inboxMessageOf,
  type MessageHandler,
  parseEvent,
  unreachable,
} from '@microshop/platform';
import { commandFor } from '../domain/decide.ts';
import { type ShipOutcome, shipOrder } from './booking.ts';
import { type CancelOutcome, cancelOrderShipment } from './cancellation.ts';
import type { Delivery, ShippingDeps } from './deps.ts';

/**
 * The consumer of `microshop.order-outbox` (consumer group `shipments`): OrderApproved books the
 * order with the carrier; OrderCancelled keeps it from being booked, or cancels its booking. Other
 * statuses, tombstones and unknown types are skipped. A plain message handler, not the kit's
 * transactional one: the carrier is called between two transactions.
 */

export interface RelevantEvent {
  event: OrderEvent;
  command: 'ShipOrder' | 'CancelOrder';
}

export type HandledOutcome = ShipOutcome | CancelOutcome;

export function createOrderEventHandler(deps: ShippingDeps): MessageHandler {
  return async (message, context) => {
    const relevant = decodeOrderEvent(message);
    if (relevant === null) {
      context.logger.debug({ type: eventTypeOf(message.value) }, 'not an event shipments acts on; skipped');
      return;
    }
    const outcome = await handleOrderEvent(deps, message, relevant, context.signal);
    context.logger.info(
      { orderId: relevant.event.orderId, type: relevant.event.type, outcome },
      'order event handled',
    );
  };
}

export function handleOrderEvent(
  deps: ShippingDeps,
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  { event, command }: RelevantEvent,
  signal?: AbortSignal,
): Promise<HandledOutcome> {
  const delivery: Delivery = inboxMessageOf(message, event.id);
  switch (command) {
    case 'ShipOrder':
      return shipOrder(deps, delivery, event.order, signal);
    case 'CancelOrder':
      return cancelOrderShipment(deps, delivery, event.orderId, signal);
    default:
      return unreachable(command);
  }
}

/** The consumer's filter: only the statuses shipments acts on reach the handler (and get a span). */
export function actsOn(message: Pick<ConsumedMessage, 'value'>): boolean {
  const type = eventTypeOf(message.value);
  return type !== undefined && isOrderEventType(type) && commandFor(type) !== null;
}

/**
 * The event and the command it asks for; null for a tombstone, an unknown `type`, or a status shipments does
 * not act on (skipped without parsing). A type it acts on that breaks its schema is a non-retriable
 * error: the consumer parks it on the dead-letter topic.
 */
export function decodeOrderEvent(message: Pick<ConsumedMessage, 'value'>): RelevantEvent | null {
  const type = eventTypeOf(message.value);
  if (type === undefined || !isOrderEventType(type)) return null;
  const command = commandFor(type);
  if (command === null) return null;
  return { event: parseEvent(orderEventSchema, message.value, type), command };
}

function isOrderEventType(type: string): type is OrderEventType {
  return (orderEventTypes as readonly string[]).includes(type);
}

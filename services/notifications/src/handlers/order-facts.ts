import {
  type PaymentEvent,
  paymentEventSchema,
  type ShipmentEvent,
  shipmentEventSchema,
} from '@microshop/contracts';
import {
  type ConsumedMessage,
  decodeEvent,
  type HandleOnceResult,
  handleOnce,
  inboxMessageOf,
  type Logger,
  type PoolClient,
} from '@microshop/platform';
import { unreachable } from '../domain/routing.ts';
import { recordCharge, recordDispatch, recordRefund } from '../store/order-facts.ts';
import { lockFactExclusive } from '../store/parked-events.ts';
import { noProgress, type OrderEventDeps, type Progress, takeUpOrder } from './parking.ts';

/**
 * `microshop.payments` and `microshop.shipments` → what the emails name: the amount charged, the
 * refunds, the carrier and tracking number. Each event once, with its inbox row. PaymentFailed and
 * ShipmentDelivered carry nothing an email needs (the order event says it), so they are only recorded
 * as handled. In the same transaction, the order's parked events (a SHIPPED email waiting for its
 * tracking number, a CANCELLED one for its refund) are taken up again.
 */

export const paymentEventTypes = paymentEventSchema.options.map((option) => option.shape.type.value);
export const shipmentEventTypes = shipmentEventSchema.options.map((option) => option.shape.type.value);

export function decodePaymentEvent(message: Pick<ConsumedMessage, 'value'>): PaymentEvent | null {
  return decodeEvent(message.value, paymentEventTypes, paymentEventSchema);
}

export function decodeShipmentEvent(message: Pick<ConsumedMessage, 'value'>): ShipmentEvent | null {
  return decodeEvent(message.value, shipmentEventTypes, shipmentEventSchema);
}

type Delivery = Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>;

export function handlePaymentEvent(
  deps: OrderEventDeps,
  message: Delivery,
  event: PaymentEvent,
  logger: Logger,
): Promise<HandleOnceResult<{ recorded: PaymentEvent['type'] } & Progress>> {
  return recordFact(deps, message, event, logger, async (client, eventId) => {
    switch (event.type) {
      case 'PaymentSucceeded':
        await recordCharge(client, event, eventId);
        break;
      case 'PaymentRefunded':
        await recordRefund(client, event, eventId);
        break;
      case 'PaymentFailed':
        break;
      default:
        unreachable(event);
    }
  });
}

export function handleShipmentEvent(
  deps: OrderEventDeps,
  message: Delivery,
  event: ShipmentEvent,
  logger: Logger,
): Promise<HandleOnceResult<{ recorded: ShipmentEvent['type'] } & Progress>> {
  return recordFact(deps, message, event, logger, async (client, eventId) => {
    switch (event.type) {
      case 'ShipmentDispatched':
        await recordDispatch(client, event, eventId);
        break;
      case 'ShipmentDelivered':
        break;
      default:
        unreachable(event);
    }
  });
}

/**
 * Once per event: under the order's fact lock, `record` stores what the event says, then the order
 * is taken up again, since the fact may be what one of its emails was waiting for.
 */
function recordFact<E extends PaymentEvent | ShipmentEvent>(
  deps: OrderEventDeps,
  message: Delivery,
  event: E,
  logger: Logger,
  record: (client: PoolClient, eventId: string) => Promise<void>,
): Promise<HandleOnceResult<{ recorded: E['type'] } & Progress>> {
  const delivery = inboxMessageOf(message, event.id);
  return handleOnce(deps.pool, deps.consumer, delivery, async (client) => {
    await lockFactExclusive(client, { orderId: event.orderId });
    await record(client, delivery.eventId);
    const progress = noProgress();
    await takeUpOrder(client, deps, event.orderId, logger, progress);
    return { recorded: event.type, ...progress };
  });
}

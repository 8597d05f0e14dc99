import {
  type PaymentEvent,
  paymentEventSchema,
  type ShipmentEvent,
  shipmentEventSchema,
} from '@microshop/contracts';
import { type ConsumedMessage, decodeEvent, type PoolClient, unreachable } from '@microshop/platform';
import { recordCharge, recordDispatch, recordRefund } from '../store/order-facts.ts';
import { lockFactExclusive } from '../store/parked-events.ts';
import { type ForwardingHandler, type ForwardingOptions, noProgress, takeUpOrder } from './forwarding.ts';

/**
 * `microshop.payments` and `microshop.shipments` → what the emails name: the amount charged, the
 * refunds, the carrier and tracking number, in the kit's transaction with the inbox row.
 * PaymentFailed and ShipmentDelivered carry nothing an email needs (the order event says it), so they
 * are only recorded as handled. In the same transaction, the order's parked events (a SHIPPED email
 * waiting for its tracking number, a CANCELLED one for its refund) are taken up again.
 */

export const paymentEventTypes = paymentEventSchema.options.map((option) => option.shape.type.value);
export const shipmentEventTypes = shipmentEventSchema.options.map((option) => option.shape.type.value);

export function decodePaymentEvent(message: Pick<ConsumedMessage, 'value'>): PaymentEvent | null {
  return decodeEvent(message.value, paymentEventTypes, paymentEventSchema);
}

export function decodeShipmentEvent(message: Pick<ConsumedMessage, 'value'>): ShipmentEvent | null {
  return decodeEvent(message.value, shipmentEventTypes, shipmentEventSchema);
}

export function paymentEvents(options: ForwardingOptions): ForwardingHandler<PaymentEvent> {
  return factHandler(options, decodePaymentEvent, recordPayment);
}

export function shipmentEvents(options: ForwardingOptions): ForwardingHandler<ShipmentEvent> {
  return factHandler(options, decodeShipmentEvent, recordShipment);
}

async function recordPayment(client: PoolClient, event: PaymentEvent, eventId: string): Promise<void> {
  switch (event.type) {
    case 'PaymentSucceeded':
      return recordCharge(client, event, eventId);
    case 'PaymentRefunded':
      return recordRefund(client, event, eventId);
    case 'PaymentFailed':
      return;
    default:
      return unreachable(event);
  }
}

async function recordShipment(client: PoolClient, event: ShipmentEvent, eventId: string): Promise<void> {
  switch (event.type) {
    case 'ShipmentDispatched':
      return recordDispatch(client, event, eventId);
    case 'ShipmentDelivered':
      return;
    default:
      return unreachable(event);
  }
}

/**
 * Under the order's fact lock, `record` stores what the event says, then the order is taken up
 * again, since the fact may be what one of its emails was waiting for.
 */
function factHandler<E extends PaymentEvent | ShipmentEvent>(
  options: ForwardingOptions,
  decode: (message: Pick<ConsumedMessage, 'value'>) => E | null,
  record: (client: PoolClient, event: E, eventId: string) => Promise<void>,
): ForwardingHandler<E> {
  return {
    decode,
    apply: async (event, tx) => {
      await lockFactExclusive(tx.client, { orderId: event.orderId });
      await record(tx.client, event, tx.eventId);
      tx.logger.debug({ orderId: event.orderId, type: event.type }, 'order fact recorded');
      const progress = noProgress();
      await takeUpOrder(tx, options, event.orderId, progress);
      return progress;
    },
  };
}

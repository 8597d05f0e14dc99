import { shipmentStatuses } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';

/**
 * The life of a shipment:
 *
 *   BOOKING ──booked──▶ DISPATCHED ──delivered──▶ DELIVERED
 *      └───────┬──cancelled─┘
 *              ▼
 *          CANCELLED
 *
 * BOOKING exists while the carrier is being asked; DISPATCHED once it answered with a tracking
 * number. A move to where the shipment already is changes nothing (a repeated callback, a
 * redelivered event); any other move not drawn above is refused, naming both ends.
 *
 * The state of an order, as shipments knows it, and `evolve`; what a command asks is `decide`
 * (decide.ts). Pure.
 */

export type ShipmentStatus = (typeof shipmentStatuses)[number];

/** What shipments knows of one order. */
export interface OrderShipping {
  /** The order's shipment's status; null while it has none. */
  shipment: ShipmentStatus | null;
  /** An OrderCancelled was seen: a later approval books nothing. */
  cancelled: boolean;
}

/** What shipments records of an order (the published events are apart: events.ts). */
export type ShippingEvent =
  /** The shipment is written as BOOKING before the carrier is asked. */
  | { type: 'BookingStarted' }
  | { type: 'Dispatched' }
  | { type: 'Delivered' }
  | { type: 'ShipmentCancelled' }
  | { type: 'OrderCancelled' };

export function evolve(state: OrderShipping, event: ShippingEvent): OrderShipping {
  switch (event.type) {
    case 'BookingStarted':
      return { ...state, shipment: 'BOOKING' };
    case 'Dispatched':
      return { ...state, shipment: 'DISPATCHED' };
    case 'Delivered':
      return { ...state, shipment: 'DELIVERED' };
    case 'ShipmentCancelled':
      return { ...state, shipment: 'CANCELLED' };
    case 'OrderCancelled':
      return { ...state, cancelled: true };
    default:
      return unreachable(event);
  }
}

export type Move =
  | { kind: 'moved'; from: ShipmentStatus; to: ShipmentStatus }
  | { kind: 'unchanged'; status: ShipmentStatus }
  | { kind: 'refused'; from: ShipmentStatus; to: ShipmentStatus };

export function isShipmentStatus(text: string): text is ShipmentStatus {
  return (shipmentStatuses as readonly string[]).includes(text);
}

export function move(from: ShipmentStatus, to: ShipmentStatus): Move {
  if (from === to) return { kind: 'unchanged', status: from };
  return allowedFrom(from).includes(to) ? { kind: 'moved', from, to } : { kind: 'refused', from, to };
}

function allowedFrom(status: ShipmentStatus): readonly ShipmentStatus[] {
  switch (status) {
    case 'BOOKING':
      return ['DISPATCHED', 'CANCELLED'];
    case 'DISPATCHED':
      return ['DELIVERED', 'CANCELLED'];
    case 'DELIVERED':
    case 'CANCELLED':
      return [];
    default:
      return unreachable(status);
  }
}

/** The idempotency key of an order's booking: every retry, redelivery or restart sends this one. */
export function bookingKey(orderId: string): string {
  return `shipment-${orderId}`;
}

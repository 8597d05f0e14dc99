import { shipmentStatuses } from '@microshop/contracts';
import { unreachable } from './unreachable.ts';

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
 */

export type ShipmentStatus = (typeof shipmentStatuses)[number];

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

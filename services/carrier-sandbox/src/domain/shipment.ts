import { unreachable } from './unreachable.ts';

/**
 * A shipment as the sandbox carrier sees it: booked, then delivered after a while (or cancelled
 * before that). The carrier reports delivery by calling the booking's callback URL; the progress
 * of that webhook is kept with the shipment so a caller can watch the retries.
 *
 *   booked ──deliver──▶ delivered
 *   booked ──cancel───▶ cancelled
 *
 * Pure: ids, tracking numbers and times come in as arguments.
 */

export const carrierName = 'sandbox-express';

export const carrierShipmentStatuses = ['booked', 'delivered', 'cancelled'] as const;
export type CarrierShipmentStatus = (typeof carrierShipmentStatuses)[number];

export interface Parcel {
  sku: string;
  quantity: number;
}

export interface Recipient {
  name?: string | undefined;
  email?: string | undefined;
  address?: string | undefined;
}

export interface BookingRequest {
  /** The shipper's own reference; for microshop the order id. */
  reference: string;
  parcels: Parcel[];
  recipient?: Recipient | undefined;
  /** Where the carrier POSTs the delivery event. */
  callbackUrl: string;
}

/** `none`: no callback due yet (booked) or ever (cancelled). */
export const callbackStates = ['none', 'pending', 'acknowledged', 'abandoned'] as const;
export type CallbackState = (typeof callbackStates)[number];

export interface CallbackProgress {
  state: CallbackState;
  attempts: number;
  /** HTTP status of the last attempt; null when it got no answer (refused, timed out). */
  lastStatus: number | null;
  lastError: string | null;
  acknowledgedAt: string | null;
}

export interface CarrierShipment {
  id: string;
  trackingNumber: string;
  status: CarrierShipmentStatus;
  reference: string;
  carrier: typeof carrierName;
  parcels: Parcel[];
  recipient: Recipient | null;
  callbackUrl: string;
  createdAt: string;
  deliveredAt: string | null;
  cancelledAt: string | null;
  callback: CallbackProgress;
}

export interface BookingStamp {
  id: string;
  trackingNumber: string;
  at: Date;
}

export function bookShipment(request: BookingRequest, stamp: BookingStamp): CarrierShipment {
  return {
    id: stamp.id,
    trackingNumber: stamp.trackingNumber,
    status: 'booked',
    reference: request.reference,
    carrier: carrierName,
    parcels: request.parcels.map((parcel) => ({ ...parcel })),
    recipient: request.recipient === undefined ? null : { ...request.recipient },
    callbackUrl: request.callbackUrl,
    createdAt: stamp.at.toISOString(),
    deliveredAt: null,
    cancelledAt: null,
    callback: { state: 'none', attempts: 0, lastStatus: null, lastError: null, acknowledgedAt: null },
  };
}

/** The parcel arrives: only a booked shipment is delivered; its callback becomes due. */
export function deliverShipment(shipment: CarrierShipment, at: Date): CarrierShipment | null {
  if (shipment.status !== 'booked') return null;
  return {
    ...shipment,
    status: 'delivered',
    deliveredAt: at.toISOString(),
    callback: { ...shipment.callback, state: 'pending' },
  };
}

export type CancelOutcome =
  | { kind: 'cancelled'; shipment: CarrierShipment }
  /** Already cancelled: cancelling again is not an error (the shipper may retry). */
  | { kind: 'unchanged'; shipment: CarrierShipment }
  | { kind: 'refused'; shipment: CarrierShipment };

export function cancelShipment(shipment: CarrierShipment, at: Date): CancelOutcome {
  switch (shipment.status) {
    case 'booked':
      return {
        kind: 'cancelled',
        shipment: { ...shipment, status: 'cancelled', cancelledAt: at.toISOString() },
      };
    case 'cancelled':
      return { kind: 'unchanged', shipment };
    case 'delivered':
      return { kind: 'refused', shipment };
    default:
      return unreachable(shipment.status);
  }
}

/** The body of the delivery webhook. */
export interface DeliveredCallback {
  event: 'delivered';
  shipmentId: string;
  trackingNumber: string;
  reference: string;
  deliveredAt: string;
}

export function deliveredCallback(shipment: CarrierShipment): DeliveredCallback | null {
  if (shipment.status !== 'delivered' || shipment.deliveredAt === null) return null;
  return {
    event: 'delivered',
    shipmentId: shipment.id,
    trackingNumber: shipment.trackingNumber,
    reference: shipment.reference,
    deliveredAt: shipment.deliveredAt,
  };
}

import { unreachable } from '@microshop/platform/pure';

/**
 * A shipment as the sandbox carrier sees it: booked, then delivered after a while (or cancelled
 * before that). The carrier reports delivery by calling the booking's callback URL; the progress
 * of that webhook is kept with the shipment so a caller can watch the retries.
 *
 *   booked ──deliver──▶ delivered
 *   booked ──cancel───▶ cancelled
 *
 * `decide` says what a command does to a shipment, `evolve` gives the shipment after it. Pure: ids,
 * tracking numbers and times come in as arguments.
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

export type ShipmentCommand =
  | { type: 'BookShipment'; request: BookingRequest; stamp: BookingStamp }
  /** The parcel arrives: only a booked shipment is delivered; its callback becomes due. */
  | { type: 'DeliverShipment'; at: Date }
  /** The shipper cancels: again is not an error (the shipper may retry); after delivery it is refused. */
  | { type: 'CancelShipment'; at: Date };

export type ShipmentEvent =
  | { type: 'ShipmentBooked'; shipment: CarrierShipment }
  | { type: 'ShipmentDelivered'; at: string }
  | { type: 'ShipmentCancelled'; at: string }
  | { type: 'CancellationRefused'; status: CarrierShipmentStatus };

/** What `command` does to `shipment` (null: none booked yet); no event: nothing changes. */
export function decide(command: ShipmentCommand, shipment: CarrierShipment | null): ShipmentEvent[] {
  switch (command.type) {
    case 'BookShipment':
      return shipment === null
        ? [{ type: 'ShipmentBooked', shipment: booked(command.request, command.stamp) }]
        : [];
    case 'DeliverShipment':
      return shipment?.status === 'booked'
        ? [{ type: 'ShipmentDelivered', at: command.at.toISOString() }]
        : [];
    case 'CancelShipment':
      return shipment === null ? [] : decideCancel(shipment, command.at);
    default:
      return unreachable(command);
  }
}

function decideCancel(shipment: CarrierShipment, at: Date): ShipmentEvent[] {
  switch (shipment.status) {
    case 'booked':
      return [{ type: 'ShipmentCancelled', at: at.toISOString() }];
    case 'cancelled':
      return [];
    case 'delivered':
      return [{ type: 'CancellationRefused', status: shipment.status }];
    default:
      return unreachable(shipment.status);
  }
}

export function evolve(shipment: CarrierShipment | null, event: ShipmentEvent): CarrierShipment {
  if (event.type === 'ShipmentBooked') return event.shipment;
  if (shipment === null) throw new Error(`${event.type} of a shipment never booked`);
  switch (event.type) {
    case 'ShipmentDelivered':
      return {
        ...shipment,
        status: 'delivered',
        deliveredAt: event.at,
        callback: { ...shipment.callback, state: 'pending' },
      };
    case 'ShipmentCancelled':
      return { ...shipment, status: 'cancelled', cancelledAt: event.at };
    case 'CancellationRefused':
      return shipment;
    default:
      return unreachable(event);
  }
}

function booked(request: BookingRequest, stamp: BookingStamp): CarrierShipment {
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

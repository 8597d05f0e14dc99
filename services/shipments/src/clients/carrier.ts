import type { CarrierCancellation } from '../domain/decide.ts';

/**
 * The port to a shipping company. The service books through this interface only; the default
 * adapter speaks the sandbox carrier's HTTP API (sandbox-carrier.ts). An adapter retries what is
 * worth retrying itself and then throws an AppError: `retriable: true` (the carrier is down, slow or
 * failing) makes the Kafka consumer try the event again later, `false` dead-letters it.
 */

export interface Parcel {
  sku: string;
  quantity: number;
}

export interface BookingRequest {
  /** Our order id; the carrier keeps it as the shipment's reference. */
  orderId: string;
  /** The same for every attempt at one order's booking, so the carrier books once. */
  idempotencyKey: string;
  parcels: readonly Parcel[];
  /** Where the carrier reports delivery. */
  callbackUrl: string;
}

export interface CarrierBooking {
  carrierShipmentId: string;
  trackingNumber: string;
  carrier: string;
}

export interface Carrier {
  /** The carrier's name, stored with a shipment before the carrier has answered. */
  readonly name: string;
  book(request: BookingRequest, signal?: AbortSignal): Promise<CarrierBooking>;
  /** Cancels every booking made for the order that is not delivered yet; idempotent. */
  cancelAll(orderId: string, signal?: AbortSignal): Promise<CarrierCancellation>;
}

import { fingerprint } from '@microshop/platform/pure';
import type { BookingRequest } from './shipment.ts';

/**
 * The carrier's idempotency rule, like a real provider's: a retried booking (same Idempotency-Key,
 * same body) answers with the shipment booked the first time and books nothing; the same key with
 * another body is refused, because answering with a shipment for a different parcel list would
 * silently lose the second request.
 */

export interface KeyedBooking {
  shipmentId: string;
  fingerprint: string;
}

export type BookingDecision =
  | { kind: 'create' }
  | { kind: 'replay'; shipmentId: string }
  | { kind: 'conflict'; shipmentId: string };

export function decideBooking(earlier: KeyedBooking | undefined, fingerprint: string): BookingDecision {
  if (earlier === undefined) return { kind: 'create' };
  if (earlier.fingerprint === fingerprint) return { kind: 'replay', shipmentId: earlier.shipmentId };
  return { kind: 'conflict', shipmentId: earlier.shipmentId };
}

/**
 * What "the same body" means: the request's JSON with keys sorted at every level (the kit's
 * canonical JSON), so a client that serialises its fields in another order is still retrying the
 * same request.
 */
export function fingerprintOf(request: BookingRequest): string {
  return fingerprint(request);
}

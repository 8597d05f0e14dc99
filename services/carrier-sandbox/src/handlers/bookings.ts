import { conflict, idempotencyKeyReused, notFound } from '@microshop/platform';
import { decideBooking, fingerprintOf } from '../domain/idempotency.ts';
import {
  type BookingRequest,
  bookShipment,
  type CarrierShipment,
  cancelShipment,
} from '../domain/shipment.ts';
import { unreachable } from '../domain/unreachable.ts';
import type { ShipmentIds, ShipmentStore } from '../store/shipments.ts';
import type { CallbackDispatcher } from './callbacks.ts';

// The carrier's two commands. Both are synchronous on purpose: with no await between reading the
// store and writing it, concurrent requests cannot both see "no booking yet" for one key.

export interface CarrierDeps {
  store: ShipmentStore;
  dispatcher: CallbackDispatcher;
  newIds: () => ShipmentIds;
  now: () => Date;
}

export interface BookingResult {
  shipment: CarrierShipment;
  /** True when the key was seen before with the same body: nothing new was booked. */
  replayed: boolean;
}

/** Books once per Idempotency-Key; the same key with another body is refused (422). */
export function book(deps: CarrierDeps, idempotencyKey: string, request: BookingRequest): BookingResult {
  const fingerprint = fingerprintOf(request);
  const decision = decideBooking(deps.store.keyed(idempotencyKey), fingerprint);
  switch (decision.kind) {
    case 'create': {
      const shipment = bookShipment(request, { ...deps.newIds(), at: deps.now() });
      deps.store.insert(idempotencyKey, fingerprint, shipment);
      deps.dispatcher.schedule(shipment.id);
      return { shipment, replayed: false };
    }
    case 'replay':
      return { shipment: existing(deps, decision.shipmentId), replayed: true };
    case 'conflict':
      throw idempotencyKeyReused(idempotencyKey);
    default:
      return unreachable(decision);
  }
}

/** Cancels a booked shipment (its delivery never happens); again is fine; after delivery, 409. */
export function cancel(deps: CarrierDeps, shipmentId: string): CarrierShipment {
  const outcome = cancelShipment(existing(deps, shipmentId), deps.now());
  switch (outcome.kind) {
    case 'cancelled':
      deps.store.put(outcome.shipment);
      deps.dispatcher.forget(shipmentId);
      return outcome.shipment;
    case 'unchanged':
      return outcome.shipment;
    case 'refused':
      throw conflict(`Shipment ${shipmentId} is already ${outcome.shipment.status} and cannot be cancelled`);
    default:
      return unreachable(outcome);
  }
}

export function existing(deps: Pick<CarrierDeps, 'store'>, shipmentId: string): CarrierShipment {
  const shipment = deps.store.get(shipmentId);
  if (shipment === undefined) throw notFound('Shipment', shipmentId);
  return shipment;
}

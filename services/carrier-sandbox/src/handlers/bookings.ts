import { conflict, idempotencyKeyReused, notFound, unreachable } from '@microshop/platform';
import { decideBooking, fingerprintOf } from '../domain/idempotency.ts';
import { type BookingRequest, type CarrierShipment, decide, evolve } from '../domain/shipment.ts';
import type { ShipmentIds, ShipmentStore } from '../store/shipments.ts';
import type { CallbackDispatcher } from '../tasks/callbacks.ts';

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
      const command = { type: 'BookShipment' as const, request, stamp: { ...deps.newIds(), at: deps.now() } };
      const shipment = decide(command, null).reduce(evolve, null);
      if (shipment === null) throw new Error('a new booking books a shipment');
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
  const shipment = existing(deps, shipmentId);
  const events = decide({ type: 'CancelShipment', at: deps.now() }, shipment);
  const refused = events.find((event) => event.type === 'CancellationRefused');
  if (refused !== undefined) {
    throw conflict(`Shipment ${shipmentId} is already ${refused.status} and cannot be cancelled`);
  }
  if (events.length === 0) return shipment;
  const cancelled = events.reduce(evolve, shipment);
  deps.store.put(cancelled);
  deps.dispatcher.forget(shipmentId);
  return cancelled;
}

export function existing(deps: Pick<CarrierDeps, 'store'>, shipmentId: string): CarrierShipment {
  const shipment = deps.store.get(shipmentId);
  if (shipment === undefined) throw notFound('Shipment', shipmentId);
  return shipment;
}

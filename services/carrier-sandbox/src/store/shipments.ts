import { randomBytes, randomInt } from 'node:crypto';
import type { KeyedBooking } from '../domain/idempotency.ts';
import type { CarrierShipment } from '../domain/shipment.ts';

/**
 * The sandbox keeps its shipments in memory: it stands in for a company's API in development and
 * tests, and a restart forgetting every booking is acceptable there (README says so). Every method
 * is synchronous, so a check-then-insert in one call cannot interleave with another request: that
 * is what makes 20 concurrent bookings with one key book once.
 */

export interface ShipmentStore {
  get(id: string): CarrierShipment | undefined;
  byReference(reference: string): CarrierShipment[];
  keyed(idempotencyKey: string): KeyedBooking | undefined;
  insert(idempotencyKey: string, fingerprint: string, shipment: CarrierShipment): void;
  /** Replaces a known shipment; an unknown id is a programming error. */
  put(shipment: CarrierShipment): void;
  size(): number;
}

export function createShipmentStore(): ShipmentStore {
  const shipments = new Map<string, CarrierShipment>();
  const keys = new Map<string, KeyedBooking>();
  const references = new Map<string, string[]>();
  return {
    get: (id) => shipments.get(id),
    byReference: (reference) =>
      (references.get(reference) ?? []).flatMap((id) => {
        const shipment = shipments.get(id);
        return shipment === undefined ? [] : [shipment];
      }),
    keyed: (key) => keys.get(key),
    insert(key, fingerprint, shipment) {
      if (keys.has(key) || shipments.has(shipment.id)) throw new Error(`duplicate booking ${key}`);
      shipments.set(shipment.id, shipment);
      keys.set(key, { shipmentId: shipment.id, fingerprint });
      references.set(shipment.reference, [...(references.get(shipment.reference) ?? []), shipment.id]);
    },
    put(shipment) {
      if (!shipments.has(shipment.id)) throw new Error(`unknown shipment ${shipment.id}`);
      shipments.set(shipment.id, shipment);
    },
    size: () => shipments.size,
  };
}

export interface ShipmentIds {
  id: string;
  trackingNumber: string;
}

/** `shp_` + 16 hex digits, and `MS` + 12 decimal digits (the shape of the carrier's numbers). */
export function randomShipmentIds(): ShipmentIds {
  const digits = Array.from({ length: 12 }, () => randomInt(10)).join('');
  return { id: `shp_${randomBytes(8).toString('hex')}`, trackingNumber: `MS${digits}` };
}

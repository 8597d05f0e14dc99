import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { type Journal, memoryJournal, openJournal } from '@microshop/platform';
import type { KeyedBooking } from '../domain/idempotency.ts';
import type { CarrierShipment } from '../domain/shipment.ts';
import { carrierShipmentSchema } from '../http/schemas.ts';

/**
 * The sandbox's shipments, in memory and in a journal (the kit's JSON-lines file under DATA_DIR):
 * every booking with its idempotency key, and every later state of a shipment (delivered, cancelled,
 * its callback's progress). A restart reads the journal back, so no booking, key or pending callback
 * is forgotten (the chaos run audits the file). Every method is synchronous, so a check-then-insert in
 * one call cannot interleave with another request: that is what makes 20 concurrent bookings with one
 * key book once. What a method wrote is on disk once `synced` resolves: the HTTP answers and the
 * delivery callbacks wait for it.
 */

export interface ShipmentStore {
  get(id: string): CarrierShipment | undefined;
  byReference(reference: string): CarrierShipment[];
  /** Every shipment, oldest booking first (to resume deliveries and callbacks after a restart). */
  all(): CarrierShipment[];
  keyed(idempotencyKey: string): KeyedBooking | undefined;
  insert(idempotencyKey: string, fingerprint: string, shipment: CarrierShipment): void;
  /** Replaces a known shipment; an unknown id is a programming error. */
  put(shipment: CarrierShipment): void;
  size(): number;
  /** Resolves once what was written so far is on disk. */
  synced(): Promise<void>;
}

/** A line of the journal: a booking with its key, or a shipment's new state. */
export type ShipmentRecord =
  | { type: 'booked'; key: string; fingerprint: string; shipment: CarrierShipment }
  | { type: 'changed'; shipment: CarrierShipment };

export function createShipmentStore(journal: Journal<ShipmentRecord> = memoryJournal()): ShipmentStore {
  const shipments = new Map<string, CarrierShipment>();
  const keys = new Map<string, KeyedBooking>();
  const references = new Map<string, string[]>();
  const book = (key: string, fingerprint: string, shipment: CarrierShipment) => {
    shipments.set(shipment.id, shipment);
    keys.set(key, { shipmentId: shipment.id, fingerprint });
    references.set(shipment.reference, [...(references.get(shipment.reference) ?? []), shipment.id]);
  };
  for (const record of journal.records) {
    if (record.type === 'booked') book(record.key, record.fingerprint, record.shipment);
    else if (shipments.has(record.shipment.id)) shipments.set(record.shipment.id, record.shipment);
  }
  return {
    get: (id) => shipments.get(id),
    byReference: (reference) =>
      (references.get(reference) ?? []).flatMap((id) => {
        const shipment = shipments.get(id);
        return shipment === undefined ? [] : [shipment];
      }),
    all: () => [...shipments.values()],
    keyed: (key) => keys.get(key),
    insert(key, fingerprint, shipment) {
      if (keys.has(key) || shipments.has(shipment.id)) throw new Error(`duplicate booking ${key}`);
      journal.append({ type: 'booked', key, fingerprint, shipment });
      book(key, fingerprint, shipment);
    },
    put(shipment) {
      if (!shipments.has(shipment.id)) throw new Error(`unknown shipment ${shipment.id}`);
      journal.append({ type: 'changed', shipment });
      shipments.set(shipment.id, shipment);
    },
    size: () => shipments.size,
    synced: () => journal.synced(),
  };
}

export const journalFile = 'shipments.jsonl';

/** The journal under `dataDir`, or one in memory only without a data directory (tests, a quick run). */
export function openShipmentJournal(dataDir: string | undefined): Journal<ShipmentRecord> {
  if (dataDir === undefined) return memoryJournal();
  return openJournal(join(dataDir, journalFile), parseRecord);
}

function parseRecord(value: unknown): ShipmentRecord {
  const record = value as { type?: unknown; key?: unknown; fingerprint?: unknown; shipment?: unknown };
  const shipment: CarrierShipment = carrierShipmentSchema.parse(record.shipment);
  if (record.type === 'changed') return { type: 'changed', shipment };
  if (record.type === 'booked' && typeof record.key === 'string' && typeof record.fingerprint === 'string') {
    return { type: 'booked', key: record.key, fingerprint: record.fingerprint, shipment };
  }
  throw new Error('not a shipment record');
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

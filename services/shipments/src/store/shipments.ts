import type { Shipment } from '@microshop/contracts';
import type { Pool, PoolClient } from '@microshop/platform';
import { isShipmentStatus, type ShipmentStatus } from '../domain/shipment.ts';

// The shipments table. Writes run in the caller's transaction after lockOrder; each status update
// names the status it expects to leave, so a row that moved meanwhile is left alone.

type Queryable = Pick<Pool, 'query'> | PoolClient;

export interface ShipmentRow {
  id: string;
  orderId: string;
  /** The order's customer, who may read the shipment; null for shipments booked before it was kept. */
  customerId: string | null;
  status: ShipmentStatus;
  carrier: string;
  carrierShipmentId: string | null;
  trackingNumber: string | null;
  parcels: { sku: string; quantity: number }[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Serialises the work on one order for the rest of the transaction, across instances: during a
 * rebalance two members may briefly handle the same partition. Always taken before any row lock.
 */
export async function lockOrder(client: PoolClient, orderId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`shipments:${orderId}`]);
}

const columns = `id, order_id, customer_id, status, carrier, carrier_shipment_id, tracking_number, parcels, created_at, updated_at`;

export async function findByOrder(db: Queryable, orderId: string): Promise<ShipmentRow | null> {
  const result = await db.query(`SELECT ${columns} FROM shipments WHERE order_id = $1`, [orderId]);
  return result.rows[0] === undefined ? null : toRow(result.rows[0]);
}

export async function findById(db: Queryable, id: string): Promise<ShipmentRow | null> {
  const result = await db.query(`SELECT ${columns} FROM shipments WHERE id = $1`, [id]);
  return result.rows[0] === undefined ? null : toRow(result.rows[0]);
}

export async function findByCarrierShipment(
  db: Queryable,
  carrierShipmentId: string,
): Promise<ShipmentRow | null> {
  const result = await db.query(`SELECT ${columns} FROM shipments WHERE carrier_shipment_id = $1`, [
    carrierShipmentId,
  ]);
  return result.rows[0] === undefined ? null : toRow(result.rows[0]);
}

export interface NewBooking {
  id: string;
  orderId: string;
  customerId: string;
  carrier: string;
  parcels: ShipmentRow['parcels'];
}

export async function insertBooking(client: PoolClient, booking: NewBooking, at: Date): Promise<ShipmentRow> {
  const result = await client.query(
    `INSERT INTO shipments (id, order_id, customer_id, status, carrier, parcels, created_at, updated_at)
     VALUES ($1, $2, $3, 'BOOKING', $4, $5, $6, $6) RETURNING ${columns}`,
    [booking.id, booking.orderId, booking.customerId, booking.carrier, JSON.stringify(booking.parcels), at],
  );
  return toRow(result.rows[0]);
}

export interface Dispatch {
  carrier: string;
  carrierShipmentId: string;
  trackingNumber: string;
}

export async function markDispatched(
  client: PoolClient,
  id: string,
  dispatch: Dispatch,
  at: Date,
): Promise<void> {
  await client.query(
    `UPDATE shipments SET status = 'DISPATCHED', carrier = $2, carrier_shipment_id = $3, tracking_number = $4,
       dispatched_at = $5, updated_at = $5
     WHERE id = $1 AND status = 'BOOKING'`,
    [id, dispatch.carrier, dispatch.carrierShipmentId, dispatch.trackingNumber, at],
  );
}

export async function markDelivered(
  client: PoolClient,
  id: string,
  deliveredAt: Date,
  at: Date,
): Promise<void> {
  await client.query(
    `UPDATE shipments SET status = 'DELIVERED', delivered_at = $2, updated_at = $3
     WHERE id = $1 AND status = 'DISPATCHED'`,
    [id, deliveredAt, at],
  );
}

export async function markCancelled(
  client: PoolClient,
  id: string,
  from: ShipmentStatus,
  at: Date,
): Promise<void> {
  await client.query(
    `UPDATE shipments SET status = 'CANCELLED', cancelled_at = $3, updated_at = $3 WHERE id = $1 AND status = $2`,
    [id, from, at],
  );
}

export async function recordCancelledOrder(
  client: PoolClient,
  orderId: string,
  eventId: string,
  at: Date,
): Promise<void> {
  await client.query(
    `INSERT INTO cancelled_orders (order_id, event_id, cancelled_at) VALUES ($1, $2, $3)
     ON CONFLICT (order_id) DO NOTHING`,
    [orderId, eventId, at],
  );
}

export async function isOrderCancelled(client: PoolClient, orderId: string): Promise<boolean> {
  const result = await client.query('SELECT 1 FROM cancelled_orders WHERE order_id = $1', [orderId]);
  return result.rowCount === 1;
}

/** Whether `consumer` has recorded the event in its inbox already (handled and committed). */
export async function wasHandled(client: PoolClient, consumer: string, eventId: string): Promise<boolean> {
  const result = await client.query('SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2', [
    consumer,
    eventId,
  ]);
  return result.rowCount === 1;
}

/** The shipment as the API and the contracts show it. */
export function toShipment(row: ShipmentRow): Shipment {
  return {
    id: row.id,
    orderId: row.orderId,
    carrier: row.carrier,
    trackingNumber: row.trackingNumber,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toRow(row: Record<string, unknown>): ShipmentRow {
  const status = String(row.status);
  if (!isShipmentStatus(status)) throw new Error(`shipments holds an unknown status: ${status}`);
  return {
    id: String(row.id),
    orderId: String(row.order_id),
    customerId: row.customer_id === null ? null : String(row.customer_id),
    status,
    carrier: String(row.carrier),
    carrierShipmentId: row.carrier_shipment_id === null ? null : String(row.carrier_shipment_id),
    trackingNumber: row.tracking_number === null ? null : String(row.tracking_number),
    parcels: row.parcels as ShipmentRow['parcels'],
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

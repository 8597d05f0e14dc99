import { type Order, orderSchema } from '@microshop/contracts';
import type { PoolClient } from '@microshop/platform';
import type { MissingReferences } from '../domain/check.ts';

// The parked orders (`pending_checks`), inside the caller's transaction. Every read here locks the rows
// it returns, and a verdict deletes the row before it records the check: whoever gives a parked order
// its verdict (the order consumer on a redelivery, the reference consumer, the deadline loop) locks
// `pending_checks` then `order_checks`, always in that order.

export interface ParkedOrder {
  order: Order;
  /** The event that announced the order. */
  eventId: string;
  deadlineAt: Date;
  /** The trace the order was parked in ('' outside one): its verdict goes on in it. */
  traceparent: string;
}

export interface Parking extends ParkedOrder {
  missing: MissingReferences;
}

/** Parks the order; false if it is parked already (the same order delivered again). */
export async function parkOrder(client: PoolClient, parking: Parking): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO pending_checks
       (order_id, customer_id, order_json, event_id, missing_customer, missing_skus, deadline_at,
        traceparent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (order_id) DO NOTHING`,
    [
      parking.order.id,
      parking.order.customerId,
      JSON.stringify(parking.order),
      parking.eventId,
      parking.missing.customer,
      parking.missing.skus,
      parking.deadlineAt,
      parking.traceparent,
    ],
  );
  return result.rowCount === 1;
}

interface PendingRow {
  order_json: unknown;
  event_id: string;
  deadline_at: Date;
  traceparent: string;
}

const columns = 'order_json, event_id, deadline_at, traceparent';

/**
 * Locks the orders parked for `customerId` (waiting for it), in order id order so that two copies
 * arriving together lock shared rows in the same order. Waits for a row another transaction holds.
 */
export async function lockWaitingForCustomer(client: PoolClient, customerId: string): Promise<ParkedOrder[]> {
  const result = await client.query<PendingRow>(
    `SELECT ${columns} FROM pending_checks WHERE customer_id = $1 AND missing_customer
     ORDER BY order_id FOR UPDATE`,
    [customerId],
  );
  return result.rows.map(parkedOrderOf);
}

/** As `lockWaitingForCustomer`, for the orders waiting for `sku`. */
export async function lockWaitingForSku(client: PoolClient, sku: string): Promise<ParkedOrder[]> {
  const result = await client.query<PendingRow>(
    `SELECT ${columns} FROM pending_checks WHERE missing_skus @> ARRAY[$1::text]
     ORDER BY order_id FOR UPDATE`,
    [sku],
  );
  return result.rows.map(parkedOrderOf);
}

/**
 * Locks up to `limit` parked orders whose deadline has passed at `now`, oldest first. `SKIP LOCKED`:
 * several deadline loops (instances) each take rows the others are not holding, and a row given its
 * verdict meanwhile is gone when the lock would be granted.
 */
export async function lockOverdue(client: PoolClient, now: Date, limit: number): Promise<ParkedOrder[]> {
  const result = await client.query<PendingRow>(
    `SELECT ${columns} FROM pending_checks WHERE deadline_at <= $1
     ORDER BY deadline_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return result.rows.map(parkedOrderOf);
}

/** Records what a parked order still waits for (one of its references has arrived, not all). */
export async function updateMissing(
  client: PoolClient,
  orderId: string,
  missing: MissingReferences,
): Promise<void> {
  await client.query(
    'UPDATE pending_checks SET missing_customer = $2, missing_skus = $3 WHERE order_id = $1',
    [orderId, missing.customer, missing.skus],
  );
}

/** Takes the order out of the parking (locking its row first, if it is there). */
export async function unpark(client: PoolClient, orderId: string): Promise<void> {
  await client.query('DELETE FROM pending_checks WHERE order_id = $1', [orderId]);
}

function parkedOrderOf(row: PendingRow): ParkedOrder {
  return {
    order: orderSchema.parse(row.order_json),
    eventId: row.event_id,
    deadlineAt: row.deadline_at,
    traceparent: row.traceparent,
  };
}

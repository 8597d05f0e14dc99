import { type Order, type OrderStatus, orderSchema, orderStatusSchema } from '@microshop/contracts';
import type { Pool } from '@microshop/platform';
import { sortTimeline } from '../domain/projection.ts';

// The queries behind the HTTP routes. Read-only, straight on the pool (no transaction needed).

export interface TimelineView {
  orderId: string;
  customerId: string;
  timeline: { status: OrderStatus; at: string; reasons: string[] }[];
}

/** The order's status changes in the order they happened, or null if no event of it was seen yet. */
export async function findTimeline(pool: Pool, orderId: string): Promise<TimelineView | null> {
  const owner = await pool.query<{ customer_id: string }>(
    'SELECT customer_id FROM order_snapshots WHERE order_id = $1',
    [orderId],
  );
  const customerId = owner.rows[0]?.customer_id;
  if (customerId === undefined) return null;
  const rows = await pool.query<{ status: string; rank: number; at: Date; reasons: string[] }>(
    'SELECT status, status_rank AS rank, at, reasons FROM order_timeline WHERE order_id = $1',
    [orderId],
  );
  return {
    orderId,
    customerId,
    timeline: sortTimeline(rows.rows).map((row) => ({
      status: orderStatusSchema.parse(row.status),
      at: row.at.toISOString(),
      reasons: row.reasons,
    })),
  };
}

export interface CustomerOrdersQuery {
  customerId: string;
  limit: number;
  /** Only orders currently in one of these statuses; empty means all. */
  statuses: readonly OrderStatus[];
}

/** The latest snapshot of each of the customer's orders, newest order first. */
export async function listCustomerOrders(pool: Pool, query: CustomerOrdersQuery): Promise<Order[]> {
  const result = await pool.query<{ snapshot: unknown }>(
    `SELECT snapshot FROM order_snapshots
     WHERE customer_id = $1 AND (cardinality($2::text[]) = 0 OR status = ANY($2::text[]))
     ORDER BY created_at DESC, order_id DESC
     LIMIT $3`,
    [query.customerId, query.statuses, query.limit],
  );
  // Snapshots were validated on the way in; parsing again keeps the answer's type honest.
  return result.rows.map((row) => orderSchema.parse(row.snapshot));
}

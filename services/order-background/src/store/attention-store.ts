import { type OrderStatus, orderStatusSchema } from '@microshop/contracts';
import type { Pool, PoolClient } from '@microshop/platform';
import type { AttentionFlag } from '../domain/deadlines.ts';

// The operators' attention list (order_attention): raised by the watchdog, resolved by the projection
// when the order ends, read by the operators' route.

/** Puts each order on the list once; an order already on it keeps its first flag. */
export async function raiseFlags(
  client: PoolClient,
  flags: readonly AttentionFlag[],
  flaggedAt: Date,
): Promise<void> {
  if (flags.length === 0) return;
  await client.query(
    `INSERT INTO order_attention (order_id, status, reason, detail, since, flagged_at)
     SELECT f.order_id, f.status, f.reason, f.detail, f.since, $6
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
       AS f(order_id, status, reason, detail, since)
     ON CONFLICT (order_id) DO NOTHING`,
    [
      flags.map((f) => f.orderId),
      flags.map((f) => f.status),
      flags.map((f) => f.reason),
      flags.map((f) => f.detail),
      flags.map((f) => f.since),
      flaggedAt,
    ],
  );
}

/** The order ended (`status`, at `at`): its open flag, if any, is resolved. */
export async function resolveFlag(
  client: PoolClient,
  orderId: string,
  status: OrderStatus,
  at: Date,
): Promise<void> {
  await client.query(
    `UPDATE order_attention SET resolved_at = $3, resolved_by = $2
     WHERE order_id = $1 AND resolved_at IS NULL`,
    [orderId, status, at],
  );
}

export interface AttentionView {
  orderId: string;
  customerId: string | null;
  /** The order's status now, as the projection last saw it. */
  currentStatus: OrderStatus | null;
  status: OrderStatus;
  reason: string;
  detail: string;
  since: string;
  flaggedAt: string;
  resolvedAt: string | null;
  resolvedBy: OrderStatus | null;
}

export type AttentionState = 'open' | 'resolved' | 'all';

interface AttentionRow {
  order_id: string;
  customer_id: string | null;
  current_status: string | null;
  status: string;
  reason: string;
  detail: string;
  since: Date;
  flagged_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
}

/** The flagged orders, oldest flag first. */
export async function listAttention(
  pool: Pool,
  query: { state: AttentionState; limit: number },
): Promise<AttentionView[]> {
  const result = await pool.query<AttentionRow>(
    `SELECT a.*, s.customer_id, s.status AS current_status
     FROM order_attention a LEFT JOIN order_snapshots s ON s.order_id = a.order_id
     WHERE $1 = 'all' OR (a.resolved_at IS NULL) = ($1 = 'open')
     ORDER BY a.flagged_at, a.order_id
     LIMIT $2`,
    [query.state, query.limit],
  );
  return result.rows.map(viewOf);
}

/** How many orders wait for an operator (the watchdog's gauge). */
export async function countOpen(pool: Pick<Pool, 'query'>): Promise<number> {
  const result = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM order_attention WHERE resolved_at IS NULL',
  );
  return result.rows[0]?.n ?? 0;
}

function viewOf(row: AttentionRow): AttentionView {
  const status = (text: string | null) => (text === null ? null : orderStatusSchema.parse(text));
  return {
    orderId: row.order_id,
    customerId: row.customer_id,
    currentStatus: status(row.current_status),
    status: orderStatusSchema.parse(row.status),
    reason: row.reason,
    detail: row.detail,
    since: row.since.toISOString(),
    flaggedAt: row.flagged_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolvedBy: status(row.resolved_by),
  };
}

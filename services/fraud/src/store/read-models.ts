import type { Pool } from '@microshop/platform';

// What operators read: a customer's sessions, newest first, each with the orders counted in it.

export interface SessionOrderView {
  orderId: string;
  amount: number;
  createdAt: string;
  result: 'PASS' | 'FAIL';
  reason: string | null;
}

export interface SessionView {
  currency: string;
  startedAt: string;
  lastOrderAt: string;
  /** The session total after its latest order, minor units. */
  total: number;
  orderCount: number;
  /** The customer's latest session in this currency: the next order joins it unless the gap passed. */
  current: boolean;
  orders: SessionOrderView[];
}

interface SessionViewRow {
  currency: string;
  started_at: Date;
  last_order_at: Date;
  total: string;
  order_count: number;
  current: boolean;
  orders: SessionOrderView[];
}

// Timestamps leave PostgreSQL as ISO 8601 UTC, the form the rest of the API uses.
const isoUtc = `to_char(o.order_created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export async function listSessions(pool: Pool, customerId: string, limit: number): Promise<SessionView[]> {
  const result = await pool.query<SessionViewRow>(
    `SELECT o.currency, o.session_started_at AS started_at, max(o.order_created_at) AS last_order_at,
       max(o.session_total)::text AS total, count(*)::int AS order_count,
       bool_or(c.started_at IS NOT NULL) AS current,
       json_agg(json_build_object('orderId', o.order_id, 'amount', o.amount, 'createdAt', ${isoUtc},
         'result', o.result, 'reason', o.reason) ORDER BY o.order_created_at, o.order_id) AS orders
     FROM session_orders o
     LEFT JOIN current_sessions c
       ON c.customer_id = o.customer_id AND c.currency = o.currency AND c.started_at = o.session_started_at
     WHERE o.customer_id = $1
     GROUP BY o.currency, o.session_started_at
     ORDER BY o.session_started_at DESC, o.currency
     LIMIT $2`,
    [customerId, limit],
  );
  return result.rows.map((row) => ({
    currency: row.currency,
    startedAt: row.started_at.toISOString(),
    lastOrderAt: row.last_order_at.toISOString(),
    total: Number(row.total),
    orderCount: row.order_count,
    current: row.current,
    orders: row.orders,
  }));
}

import type { Pool, PoolClient } from '@microshop/platform';
import { laterFate } from '../domain/fates.ts';
import type { Settlement } from '../domain/stock.ts';

// The orders' fates (migrations/002_order_fates.sql) and the reaper's reads.

export interface FateSeen {
  orderId: string;
  settlement: Settlement;
  status: string;
  eventId: string;
  at: Date;
}

/** Records the order's fate; a release already recorded stays (an ended order stays ended). */
export async function recordFate(client: PoolClient, fate: FateSeen): Promise<void> {
  const current = await client.query<{ settlement: Settlement }>(
    'SELECT settlement FROM order_fates WHERE order_id = $1 FOR UPDATE',
    [fate.orderId],
  );
  const recorded = current.rows[0]?.settlement ?? null;
  if (recorded !== null && laterFate(recorded, fate.settlement) !== fate.settlement) return;
  await client.query(
    `INSERT INTO order_fates (order_id, settlement, status, event_id, seen_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (order_id) DO UPDATE SET settlement = $2, status = $3, event_id = $4, seen_at = $5`,
    [fate.orderId, fate.settlement, fate.status, fate.eventId, fate.at],
  );
}

export interface Reapable {
  orderId: string;
  settlement: Settlement;
}

/**
 * Orders whose fate was seen at least `graceMs` ago (long enough for their own event to have settled
 * them) and that still hold lines that fate would move: RESERVED ones, or COMMITTED ones of an order
 * that ended after its approval.
 */
export async function reapable(
  pool: Pick<Pool, 'query'>,
  options: { now: Date; graceMs: number; limit: number },
): Promise<Reapable[]> {
  const result = await pool.query<{ order_id: string; settlement: Settlement }>(
    `SELECT f.order_id, f.settlement FROM order_fates f
     WHERE f.seen_at <= $1::timestamptz - make_interval(secs => $2::double precision / 1000)
       AND EXISTS (SELECT 1 FROM reservations r WHERE r.order_id = f.order_id
                   AND (r.state = 'RESERVED' OR (f.settlement = 'release' AND r.state = 'COMMITTED')))
     ORDER BY f.seen_at
     LIMIT $3`,
    [options.now, options.graceMs, options.limit],
  );
  return result.rows.map((row) => ({ orderId: row.order_id, settlement: row.settlement }));
}

/** Orders holding RESERVED lines older than `olderThanMs` whose fate inventory never saw. */
export async function unsettledOrders(
  pool: Pick<Pool, 'query'>,
  options: { now: Date; olderThanMs: number },
): Promise<{ count: number; oldest: string[] }> {
  const result = await pool.query<{ order_id: string; total: number }>(
    `SELECT r.order_id, count(*) OVER ()::int AS total FROM reservations r
     WHERE r.state = 'RESERVED'
       AND r.created_at <= $1::timestamptz - make_interval(secs => $2::double precision / 1000)
       AND NOT EXISTS (SELECT 1 FROM order_fates f WHERE f.order_id = r.order_id)
     GROUP BY r.order_id
     ORDER BY min(r.created_at)
     LIMIT 10`,
    [options.now, options.olderThanMs],
  );
  return { count: result.rows[0]?.total ?? 0, oldest: result.rows.map((row) => row.order_id) };
}

import type { OrderStatus } from '@microshop/contracts';
import type { Pool } from '@microshop/platform';
import { type BucketCount, latencySteps, type Window } from '../domain/order-stats.ts';

// The order statistics' three reads of the timeline, each one aggregate query over a time range
// (indexes on `at` and `(status, at)`, migration 003): nothing is scanned in the browser.

export async function statusChangesPerBucket(pool: Pool, window: Window): Promise<BucketCount[]> {
  const result = await pool.query<{ at: Date; status: OrderStatus; count: number }>(
    `SELECT to_timestamp(floor(extract(epoch FROM at) / $3) * $3) AS at, status, count(*)::int AS count
     FROM order_timeline WHERE at >= $1 AND at < $2 GROUP BY 1, 2`,
    [window.from, window.to, window.bucketSeconds],
  );
  return result.rows;
}

/** Of the orders created in the window: how many reached each status of the funnel (and ended badly). */
export async function statusesReached(pool: Pool, window: Window): Promise<Map<OrderStatus, number>> {
  const result = await pool.query<{ status: OrderStatus; orders: number }>(
    `SELECT later.status, count(*)::int AS orders
     FROM order_timeline created JOIN order_timeline later ON later.order_id = created.order_id
     WHERE created.status = 'CREATED' AND created.at >= $1 AND created.at < $2
     GROUP BY later.status`,
    [window.from, window.to],
  );
  return new Map(result.rows.map((row) => [row.status, row.orders]));
}

export interface StepLatency {
  from: OrderStatus;
  to: OrderStatus;
  orders: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** Percentiles of each step's duration, over the orders created in the window that made the step. */
export async function stepLatencies(pool: Pool, window: Window): Promise<StepLatency[]> {
  const result = await pool.query<
    { from: OrderStatus; to: OrderStatus; orders: number } & Record<string, number>
  >(
    `WITH steps (from_status, to_status) AS (SELECT * FROM unnest($3::text[], $4::text[])),
     created AS (
       SELECT order_id FROM order_timeline WHERE status = 'CREATED' AND at >= $1 AND at < $2
     ),
     durations AS (
       SELECT s.from_status, s.to_status, extract(epoch FROM b.at - a.at) * 1000 AS ms
       FROM created c
       CROSS JOIN steps s
       JOIN order_timeline a ON a.order_id = c.order_id AND a.status = s.from_status
       JOIN order_timeline b ON b.order_id = c.order_id AND b.status = s.to_status
     )
     SELECT from_status AS "from", to_status AS "to", count(*)::int AS orders,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
     FROM durations GROUP BY 1, 2`,
    [window.from, window.to, latencySteps.map(([from]) => from), latencySteps.map(([, to]) => to)],
  );
  return latencySteps.map(([from, to]) => {
    const row = result.rows.find((r) => r.from === from && r.to === to);
    const ms = (value: number | undefined) => (value === undefined ? null : Math.round(Number(value)));
    return {
      from,
      to,
      orders: row?.orders ?? 0,
      p50Ms: ms(row?.p50),
      p95Ms: ms(row?.p95),
      p99Ms: ms(row?.p99),
    };
  });
}

import { type OrderStatus, orderStatusSchema } from '@microshop/contracts';
import type { PoolClient } from '@microshop/platform';
import { type Deadlines, enteredBefore, type WatchedOrder } from '../domain/deadlines.ts';
import { isWatched, type WatchedStatus, watchedStatuses } from '../domain/status.ts';

// The watchdog's reads and marks, inside the caller's transaction.

/** A deadline due, and the trace (`traceparent`, '' if none) the order entered its status in. */
export interface DueDeadline extends WatchedOrder {
  traceparent: string;
}

/**
 * Locks up to `limit` pending deadlines that have passed at `now`, oldest first. A deadline counts
 * only the time events flowed: the stored pauses, and the one going on since `pausedSince` (if the
 * flow is not proven now), that fall after the order entered its status do not count
 * (domain/flow.ts). `SKIP LOCKED` lets several instances run the watchdog at once: each claims rows
 * the others are not holding, and a row another instance has just marked sent no longer matches when
 * the lock is granted. Each comes with the trace the order entered its status in.
 */
export async function claimDue(
  client: PoolClient,
  now: Date,
  deadlines: Deadlines,
  limit: number,
  pausedSince: Date | null = null,
): Promise<DueDeadline[]> {
  const cutoffs = watchedStatuses.map((status) => enteredBefore(status, now, deadlines));
  const allowances = watchedStatuses.map((status) => deadlines[status]);
  const result = await client.query<{
    order_id: string;
    status: string;
    entered_at: Date;
    paused_ms: number;
    traceparent: string;
  }>(
    `WITH pauses AS (
       SELECT started_at, ended_at FROM deadline_pauses
       UNION ALL SELECT $5::timestamptz, $4::timestamptz WHERE $5::timestamptz IS NOT NULL
     )
     SELECT d.order_id, d.status, d.entered_at, p.paused_ms, d.traceparent
     FROM order_deadlines d
     JOIN unnest($1::text[], $2::timestamptz[], $3::int8[]) AS c(status, cutoff, allowance_ms)
       ON d.status = c.status AND d.entered_at <= c.cutoff
     CROSS JOIN LATERAL (
       SELECT coalesce(sum(extract(epoch FROM least(x.ended_at, $4) - greatest(x.started_at, d.entered_at))
         * 1000), 0)::float8 AS paused_ms
       FROM pauses x WHERE x.ended_at > d.entered_at AND x.started_at < $4
     ) p
     WHERE d.expiry_sent_at IS NULL
       AND d.entered_at + (c.allowance_ms + p.paused_ms) * interval '1 millisecond' <= $4
     ORDER BY d.entered_at
     LIMIT $6
     FOR UPDATE OF d SKIP LOCKED`,
    [watchedStatuses, cutoffs, allowances, now, pausedSince, limit],
  );
  return result.rows.map((row) => ({
    orderId: row.order_id,
    status: watchedStatus(row.status),
    enteredAt: row.entered_at,
    // Rounded down: the domain's check then agrees with the one above.
    pausedMs: Math.floor(row.paused_ms),
    traceparent: row.traceparent,
  }));
}

/** What the watchdog did about one deadline: the command it sent, or null for a flag. */
export interface DeadlineAction {
  orderId: string;
  status: OrderStatus;
  commandId: string | null;
}

/** Marks each (order, status) as acted on, so no instance acts on it again. */
export async function markSent(
  client: PoolClient,
  actions: readonly DeadlineAction[],
  sentAt: Date,
): Promise<void> {
  if (actions.length === 0) return;
  await client.query(
    `UPDATE order_deadlines AS d SET expiry_sent_at = $4, expiry_command_id = c.command_id
     FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS c(order_id, status, command_id)
     WHERE d.order_id = c.order_id AND d.status = c.status`,
    [actions.map((a) => a.orderId), actions.map((a) => a.status), actions.map((a) => a.commandId), sentAt],
  );
}

function watchedStatus(text: string): WatchedStatus {
  const status = orderStatusSchema.parse(text);
  if (isWatched(status)) return status;
  throw new Error(`order_deadlines holds a status the watchdog does not guard: ${status}`);
}

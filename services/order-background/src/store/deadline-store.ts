import { type OrderStatus, orderStatusSchema } from '@microshop/contracts';
import type { PoolClient } from '@microshop/platform';
import { type Deadlines, enteredBefore, type WatchedOrder } from '../domain/deadlines.ts';
import { isWatched, type WatchedStatus, watchedStatuses } from '../domain/status.ts';

// The watchdog's reads and marks, inside the caller's transaction.

/**
 * Locks up to `limit` pending deadlines that have passed at `now`, oldest first. `SKIP LOCKED`
 * lets several instances run the watchdog at once: each claims rows the others are not holding,
 * and a row another instance has just marked sent no longer matches when the lock is granted.
 */
export async function claimDue(
  client: PoolClient,
  now: Date,
  deadlines: Deadlines,
  limit: number,
): Promise<WatchedOrder[]> {
  const cutoffs = watchedStatuses.map((status) => enteredBefore(status, now, deadlines));
  const result = await client.query<{ order_id: string; status: string; entered_at: Date }>(
    `SELECT d.order_id, d.status, d.entered_at
     FROM order_deadlines d
     JOIN unnest($1::text[], $2::timestamptz[]) AS c(status, cutoff)
       ON d.status = c.status AND d.entered_at <= c.cutoff
     WHERE d.expiry_sent_at IS NULL
     ORDER BY d.entered_at
     LIMIT $3
     FOR UPDATE OF d SKIP LOCKED`,
    [watchedStatuses, cutoffs, limit],
  );
  return result.rows.map((row) => ({
    orderId: row.order_id,
    status: watchedStatus(row.status),
    enteredAt: row.entered_at,
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

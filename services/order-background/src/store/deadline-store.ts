import { type ExpireOrderCommand, orderStatusSchema } from '@microshop/contracts';
import type { PoolClient } from '@microshop/platform';
import { type Deadlines, enteredBefore, type WatchedOrder } from '../domain/deadlines.ts';
import { type ExpirableStatus, isExpirable } from '../domain/status.ts';

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
  const result = await client.query<{ order_id: string; status: string; entered_at: Date }>(
    `SELECT order_id, status, entered_at FROM order_deadlines
     WHERE expiry_sent_at IS NULL
       AND ((status = 'CREATED' AND entered_at <= $1) OR (status = 'VALIDATED' AND entered_at <= $2))
     ORDER BY entered_at
     LIMIT $3
     FOR UPDATE SKIP LOCKED`,
    [enteredBefore('CREATED', now, deadlines), enteredBefore('VALIDATED', now, deadlines), limit],
  );
  return result.rows.map((row) => ({
    orderId: row.order_id,
    status: expirableStatus(row.status),
    enteredAt: row.entered_at,
  }));
}

/** Marks each command's (order, status) as sent, so no instance sends it again. */
export async function markSent(
  client: PoolClient,
  commands: readonly ExpireOrderCommand[],
  sentAt: Date,
): Promise<void> {
  if (commands.length === 0) return;
  await client.query(
    `UPDATE order_deadlines AS d SET expiry_sent_at = $4, expiry_command_id = c.command_id
     FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS c(order_id, status, command_id)
     WHERE d.order_id = c.order_id AND d.status = c.status`,
    [
      commands.map((c) => c.orderId),
      commands.map((c) => c.expectedStatus),
      commands.map((c) => c.id),
      sentAt,
    ],
  );
}

function expirableStatus(text: string): ExpirableStatus {
  const status = orderStatusSchema.parse(text);
  if (isExpirable(status)) return status;
  throw new Error(`order_deadlines holds a status the watchdog does not guard: ${status}`);
}

import type { ExpireOrderCommand } from '@microshop/contracts';
import { deadlineOutcome, type WatchedStatus } from './status.ts';

/**
 * The watchdog's decisions: how long an order may stay in each watched status, and what each watched
 * order past its deadline gets: an ExpireOrder command (CREATED, VALIDATED, APPROVED) or a flag on the
 * operators' attention list (SHIPPED). Pure: the clock and ids come in as arguments.
 */

/** How long an order may stay in each watched status, in milliseconds. */
export type Deadlines = Record<WatchedStatus, number>;

/**
 * A pending deadline as the store holds it: the order entered `status` at `enteredAt`, and since then
 * events did not flow for `pausedMs` (domain/flow.ts), which the deadline does not count.
 */
export interface WatchedOrder {
  orderId: string;
  status: WatchedStatus;
  enteredAt: Date;
  pausedMs: number;
}

/** An order operators should look at: it stayed in `status` past its deadline. */
export interface AttentionFlag {
  orderId: string;
  status: WatchedStatus;
  /** A word for dashboards and filters. */
  reason: 'NO_DELIVERY_REPORTED';
  /** The same in a sentence, with the times. */
  detail: string;
  since: Date;
  deadlineAt: Date;
}

export const watchdogSource = 'order-background';

export function deadlineFor(
  status: WatchedStatus,
  enteredAt: Date,
  deadlines: Deadlines,
  pausedMs = 0,
): Date {
  return new Date(enteredAt.getTime() + deadlines[status] + pausedMs);
}

/**
 * The latest time an order could have entered `status` and be due at `now` (with no pause since):
 * lets the store pre-select candidates with an index instead of reading every watched order.
 */
export function enteredBefore(status: WatchedStatus, now: Date, deadlines: Deadlines): Date {
  return new Date(now.getTime() - deadlines[status]);
}

/** The rows whose deadline has passed at `now` (a deadline equal to `now` counts as passed). */
function overdue(rows: readonly WatchedOrder[], now: Date, deadlines: Deadlines) {
  return rows
    .map((row) => ({ row, deadlineAt: deadlineFor(row.status, row.enteredAt, deadlines, row.pausedMs) }))
    .filter(({ deadlineAt }) => deadlineAt.getTime() <= now.getTime());
}

/**
 * One ExpireOrder command per overdue order in a status that expires. The orders service applies it
 * only if the order is still in `expectedStatus`, so a command racing with the order's own progress
 * is harmless.
 */
export function dueForExpiry(
  rows: readonly WatchedOrder[],
  now: Date,
  deadlines: Deadlines,
  newId: () => string,
): ExpireOrderCommand[] {
  return overdue(rows, now, deadlines)
    .filter(({ row }) => deadlineOutcome(row.status) === 'expire')
    .map(({ row, deadlineAt }) => ({
      id: newId(),
      type: 'ExpireOrder',
      occurredAt: now.toISOString(),
      source: watchdogSource,
      orderId: row.orderId,
      expectedStatus: row.status,
      reason: 'TIMEOUT',
      deadlineAt: deadlineAt.toISOString(),
    }));
}

/** One attention flag per overdue order in a status that is flagged (SHIPPED, no delivery reported). */
export function dueForAttention(
  rows: readonly WatchedOrder[],
  now: Date,
  deadlines: Deadlines,
): AttentionFlag[] {
  return overdue(rows, now, deadlines)
    .filter(({ row }) => deadlineOutcome(row.status) === 'flag')
    .map(({ row, deadlineAt }) => ({
      orderId: row.orderId,
      status: row.status,
      reason: 'NO_DELIVERY_REPORTED',
      detail: `${row.status} since ${row.enteredAt.toISOString()}; no delivery reported by ${deadlineAt.toISOString()}`,
      since: row.enteredAt,
      deadlineAt,
    }));
}

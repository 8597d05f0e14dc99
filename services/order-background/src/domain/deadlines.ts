import type { ExpireOrderCommand } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';
import type { ExpirableStatus } from './status.ts';

/**
 * The watchdog's decisions: how long an order may stay in CREATED or VALIDATED, and which of the
 * watched orders are due for an ExpireOrder command. Pure: the clock and ids come in as arguments.
 */

/** How long an order may stay in each expirable status, in milliseconds. */
export interface Deadlines {
  CREATED: number;
  VALIDATED: number;
}

/** A pending deadline as the store holds it: the order entered `status` at `enteredAt`. */
export interface WatchedOrder {
  orderId: string;
  status: ExpirableStatus;
  enteredAt: Date;
}

export const watchdogSource = 'order-background';

export function deadlineFor(status: ExpirableStatus, enteredAt: Date, deadlines: Deadlines): Date {
  return new Date(enteredAt.getTime() + allowedMs(status, deadlines));
}

function allowedMs(status: ExpirableStatus, deadlines: Deadlines): number {
  switch (status) {
    case 'CREATED':
      return deadlines.CREATED;
    case 'VALIDATED':
      return deadlines.VALIDATED;
    default:
      return unreachable(status);
  }
}

/**
 * The latest time an order could have entered `status` and be due at `now`: lets the store
 * pre-select candidates with an index instead of reading every watched order.
 */
export function enteredBefore(status: ExpirableStatus, now: Date, deadlines: Deadlines): Date {
  return new Date(now.getTime() - allowedMs(status, deadlines));
}

/**
 * One ExpireOrder command per watched order whose deadline has passed at `now` (a deadline equal
 * to `now` counts as passed). The orders service applies it only if the order is still in
 * `expectedStatus`, so a command racing with the order's own progress is harmless.
 */
export function dueForExpiry(
  rows: readonly WatchedOrder[],
  now: Date,
  deadlines: Deadlines,
  newId: () => string,
): ExpireOrderCommand[] {
  const commands: ExpireOrderCommand[] = [];
  for (const row of rows) {
    const deadlineAt = deadlineFor(row.status, row.enteredAt, deadlines);
    if (deadlineAt.getTime() > now.getTime()) continue;
    commands.push({
      id: newId(),
      type: 'ExpireOrder',
      occurredAt: now.toISOString(),
      source: watchdogSource,
      orderId: row.orderId,
      expectedStatus: row.status,
      reason: 'TIMEOUT',
      deadlineAt: deadlineAt.toISOString(),
    });
  }
  return commands;
}

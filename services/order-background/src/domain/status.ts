import type { OrderStatus } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';

/**
 * Where each status sits along the status machine. Every allowed transition goes to a higher rank
 * (CREATED → VALIDATED → APPROVED → SHIPPED → DELIVERED, and FAILED/CANCELLED last, which never
 * follow each other), so of two snapshots of one order the higher rank is always the later one,
 * whatever the clocks of the instances that wrote them said.
 */
export function statusRank(status: OrderStatus): number {
  switch (status) {
    case 'CREATED':
      return 0;
    case 'VALIDATED':
      return 1;
    case 'APPROVED':
      return 2;
    case 'SHIPPED':
      return 3;
    case 'DELIVERED':
      return 4;
    case 'FAILED':
    case 'CANCELLED':
      return 5;
    default:
      return unreachable(status);
  }
}

/**
 * The statuses the watchdog guards: every status an order may not stay in for ever. What happens when
 * an order overstays is `deadlineOutcome`.
 */
export const watchedStatuses = ['CREATED', 'VALIDATED', 'APPROVED', 'SHIPPED'] as const;
export type WatchedStatus = (typeof watchedStatuses)[number];

export function isWatched(status: OrderStatus): status is WatchedStatus {
  return (watchedStatuses as readonly OrderStatus[]).includes(status);
}

/**
 * What an order past its deadline gets: `expire` an ExpireOrder command (the orders service fails an
 * order not yet paid and cancels an APPROVED one, which compensates), `flag` a place on the operators'
 * attention list (a SHIPPED parcel is with the carrier: nothing here can end it).
 */
export type DeadlineOutcome = 'expire' | 'flag';

export function deadlineOutcome(status: WatchedStatus): DeadlineOutcome {
  switch (status) {
    case 'CREATED':
    case 'VALIDATED':
    case 'APPROVED':
      return 'expire';
    case 'SHIPPED':
      return 'flag';
    default:
      return unreachable(status);
  }
}

/** The version of an order a snapshot shows, for "is this one newer?". */
export interface SnapshotVersion {
  status: OrderStatus;
  /** `order.updatedAt`, in epoch milliseconds. */
  updatedAtMs: number;
}

/** Rank first; the update time only breaks a tie between two snapshots of the same status. */
export function isNewer(candidate: SnapshotVersion, current: SnapshotVersion | null): boolean {
  if (current === null) return true;
  const byRank = statusRank(candidate.status) - statusRank(current.status);
  if (byRank !== 0) return byRank > 0;
  return candidate.updatedAtMs > current.updatedAtMs;
}

/**
 * The checkout's steps, each named by the status it ends in and the one it starts from: how long an
 * order took from one to the next is the step's duration (the `microshop_order_step_duration_seconds`
 * histogram). FAILED and CANCELLED end the saga from anywhere, so they start no step of their own.
 */
const stepStarts: Partial<Record<OrderStatus, OrderStatus>> = {
  VALIDATED: 'CREATED',
  APPROVED: 'VALIDATED',
  SHIPPED: 'APPROVED',
  DELIVERED: 'SHIPPED',
};

export function stepStartOf(status: OrderStatus): OrderStatus | undefined {
  return stepStarts[status];
}

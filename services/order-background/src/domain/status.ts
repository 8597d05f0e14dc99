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

/** The statuses the watchdog guards: the only ones the status machine lets become FAILED. */
export const expirableStatuses = ['CREATED', 'VALIDATED'] as const;
export type ExpirableStatus = (typeof expirableStatuses)[number];

export function isExpirable(status: OrderStatus): status is ExpirableStatus {
  return status === 'CREATED' || status === 'VALIDATED';
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

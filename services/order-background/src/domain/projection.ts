import type { Order, OrderEvent, OrderStatus } from '@microshop/contracts';
import { type ExpirableStatus, isExpirable, isNewer, type SnapshotVersion, statusRank } from './status.ts';

/**
 * What one order status event changes in this service's read models — decided here, written by
 * src/store. Pure: the current state comes in as an argument, the result says what to write.
 *
 * Events of one customer arrive in order, but a redelivery after a rebalance can replay an older
 * one after a newer: an older snapshot still adds its (missing) timeline entry, yet never
 * overwrites the latest snapshot nor reopens a deadline the order has left behind.
 */

/** One status change of an order, as the timeline stores it. */
export interface TimelineRow {
  orderId: string;
  status: OrderStatus;
  rank: number;
  /** When the order entered the status: `order.updatedAt` of the event announcing it. */
  at: Date;
  reasons: string[];
  eventId: string;
}

/** What happens to the watchdog's pending deadlines of the order. */
export type DeadlineChange =
  /** The order entered an expirable status: watch it, and drop any pending deadline of an earlier one. */
  | { kind: 'open'; status: ExpirableStatus; enteredAt: Date }
  /** The order moved past CREATED/VALIDATED: nothing left to expire. */
  | { kind: 'clear' }
  /** The event is older than the stored snapshot: deadlines stay as they are. */
  | { kind: 'keep' };

export interface Projection {
  timeline: TimelineRow;
  /** The order's new latest snapshot, or null when the stored one is newer (a replayed event). */
  snapshot: Order | null;
  deadline: DeadlineChange;
}

export function versionOf(order: Pick<Order, 'status' | 'updatedAt'>): SnapshotVersion {
  return { status: order.status, updatedAtMs: Date.parse(order.updatedAt) };
}

/** Projects `event` (handled once, as event `eventId`) onto the order's stored `current` version. */
export function project(event: OrderEvent, eventId: string, current: SnapshotVersion | null): Projection {
  const order = event.order;
  const timeline: TimelineRow = {
    orderId: order.id,
    status: order.status,
    rank: statusRank(order.status),
    at: new Date(order.updatedAt),
    reasons: [...order.reasons],
    eventId,
  };
  if (!isNewer(versionOf(order), current)) {
    return { timeline, snapshot: null, deadline: { kind: 'keep' } };
  }
  return { timeline, snapshot: order, deadline: deadlineChangeFor(order) };
}

function deadlineChangeFor(order: Order): DeadlineChange {
  if (isExpirable(order.status)) {
    return { kind: 'open', status: order.status, enteredAt: new Date(order.updatedAt) };
  }
  return { kind: 'clear' };
}

/** A timeline in the order the changes happened: along the status machine, then by time. */
export function sortTimeline<T extends { rank: number; at: Date }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => a.rank - b.rank || a.at.getTime() - b.at.getTime());
}

import type { Order, OrderEvent, OrderStatus } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';
import { isNewer, isWatched, type SnapshotVersion, statusRank, type WatchedStatus } from './status.ts';

/**
 * What one order status event changes in this service's read models: decide(command, state) → events,
 * evolve(state, event) → state; src/store writes the events. Pure: the state — the version of the
 * order's stored snapshot — comes in as an argument.
 *
 * Events of one customer arrive in order, but a redelivery after a rebalance can replay an older
 * one after a newer: an older snapshot still adds its (missing) timeline entry, yet never
 * overwrites the latest snapshot nor reopens a deadline the order has left behind.
 */

/** The version of the order's stored snapshot; null before its first event. */
export type ProjectionState = SnapshotVersion | null;

/** Project one order status event, handled once as event `eventId`. */
export type ProjectOrderEvent = { type: 'ProjectOrderEvent'; event: OrderEvent; eventId: string };

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

export type ProjectionEvent =
  /** The order reached a status: one timeline entry (a status already on the timeline keeps its first). */
  | { type: 'StatusReached'; entry: TimelineRow }
  /** The event's order is newer than the stored snapshot: it becomes the customer's latest copy. */
  | { type: 'SnapshotUpdated'; order: Order }
  /** The order entered a watched status: watch it, and drop any pending deadline of an earlier one. */
  | { type: 'DeadlineOpened'; orderId: string; status: WatchedStatus; enteredAt: Date }
  /**
   * The order ended in `status` (DELIVERED, FAILED, CANCELLED) at `at`: nothing left to watch, and a
   * flag raised on it is resolved.
   */
  | { type: 'DeadlinesCleared'; orderId: string; status: OrderStatus; at: Date };

export function versionOf(order: Pick<Order, 'status' | 'updatedAt'>): SnapshotVersion {
  return { status: order.status, updatedAtMs: Date.parse(order.updatedAt) };
}

/** The timeline entry always; the snapshot and the deadlines only when the event is the newest yet. */
export function decide(command: ProjectOrderEvent, state: ProjectionState): ProjectionEvent[] {
  const order = command.event.order;
  const reached: ProjectionEvent = { type: 'StatusReached', entry: timelineRow(order, command.eventId) };
  if (!isNewer(versionOf(order), state)) return [reached];
  return [reached, { type: 'SnapshotUpdated', order }, deadlineEventFor(order)];
}

export function evolve(state: ProjectionState, event: ProjectionEvent): ProjectionState {
  switch (event.type) {
    case 'SnapshotUpdated':
      return versionOf(event.order);
    case 'StatusReached':
    case 'DeadlineOpened':
    case 'DeadlinesCleared':
      return state;
    default:
      return unreachable(event);
  }
}

function timelineRow(order: Order, eventId: string): TimelineRow {
  return {
    orderId: order.id,
    status: order.status,
    rank: statusRank(order.status),
    at: new Date(order.updatedAt),
    reasons: [...order.reasons],
    eventId,
  };
}

function deadlineEventFor(order: Order): ProjectionEvent {
  if (isWatched(order.status)) {
    return {
      type: 'DeadlineOpened',
      orderId: order.id,
      status: order.status,
      enteredAt: new Date(order.updatedAt),
    };
  }
  return { type: 'DeadlinesCleared', orderId: order.id, status: order.status, at: new Date(order.updatedAt) };
}

/** A timeline in the order the changes happened: along the status machine, then by time. */
export function sortTimeline<T extends { rank: number; at: Date }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => a.rank - b.rank || a.at.getTime() - b.at.getTime());
}

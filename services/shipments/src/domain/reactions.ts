import type { OrderEventType } from '@microshop/contracts';
import { move, type ShipmentStatus } from './shipment.ts';
import { unreachable } from './unreachable.ts';

/**
 * What an order status event asks of shipments, and what to do given what is known about the
 * order. An approved order is booked with the carrier; a cancelled one is not, and whatever was
 * booked for it is cancelled with the carrier (the saga's compensation).
 */

export type Reaction = 'ship' | 'cancel';

/** null for the statuses shipments has nothing to do with. */
export function reactionTo(type: OrderEventType): Reaction | null {
  switch (type) {
    case 'OrderApproved':
      return 'ship';
    case 'OrderCancelled':
      return 'cancel';
    case 'OrderCreated':
    case 'OrderValidated':
    case 'OrderShipped':
    case 'OrderDelivered':
    case 'OrderFailed':
      return null;
    default:
      return unreachable(type);
  }
}

export type ApprovalPlan =
  /** Ask the carrier (again, after a crash, when the shipment is still BOOKING). */
  | { kind: 'book'; isNew: boolean }
  /** The order was cancelled though a booking may exist: cancel it with the carrier. */
  | { kind: 'compensate' }
  | { kind: 'skip'; reason: 'cancelled-before-booking' | 'already-booked' };

/** `current`: the order's shipment, if it has one; `cancelled`: an OrderCancelled was seen. */
export function planApproval(current: ShipmentStatus | null, cancelled: boolean): ApprovalPlan {
  if (current === null)
    return cancelled ? { kind: 'skip', reason: 'cancelled-before-booking' } : { kind: 'book', isNew: true };
  switch (current) {
    case 'BOOKING':
      return cancelled ? { kind: 'compensate' } : { kind: 'book', isNew: false };
    case 'CANCELLED':
      return { kind: 'compensate' };
    case 'DISPATCHED':
    case 'DELIVERED':
      return { kind: 'skip', reason: 'already-booked' };
    default:
      return unreachable(current);
  }
}

/** What the carrier said when asked to cancel every booking of an order. */
export type CarrierCancellation = 'cancelled' | 'nothing-booked' | 'already-delivered';

/** Whether an order's cancellation must reach the carrier: only when something may be booked. */
export function needsCarrierCancellation(current: ShipmentStatus | null): boolean {
  if (current === null) return false;
  switch (current) {
    case 'BOOKING':
    case 'DISPATCHED':
      return true;
    case 'DELIVERED':
    case 'CANCELLED':
      return false;
    default:
      return unreachable(current);
  }
}

export type CancellationStep = 'cancel' | 'keep' | 'ask-carrier-first';

/**
 * What an order's cancellation does to its shipment, given what the carrier said (null: it was not
 * asked). A shipment that may be booked is never marked CANCELLED without asking the carrier first,
 * or a live booking would be forgotten; one the carrier delivered already stays as it is (its
 * delivery callback moves it to DELIVERED).
 */
export function cancellationStep(
  current: ShipmentStatus,
  carrier: CarrierCancellation | null,
): CancellationStep {
  if (needsCarrierCancellation(current) && carrier === null) return 'ask-carrier-first';
  if (carrier === 'already-delivered') return 'keep';
  return move(current, 'CANCELLED').kind === 'moved' ? 'cancel' : 'keep';
}

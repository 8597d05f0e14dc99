import type { OrderEventType } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';
import { move, type OrderShipping, type ShipmentStatus, type ShippingEvent } from './shipment.ts';

/**
 * What each command asks of an order's shipment. An approved order is booked with the carrier; a
 * cancelled one is not, and whatever was booked for it is cancelled with the carrier (the saga's
 * compensation). The carrier is asked outside any transaction, so `decide` may answer "ask the
 * carrier" first and, once the handler has its answer, what to record. Pure.
 */

/** What the carrier said when asked to cancel every booking of an order. */
export type CarrierCancellation = 'cancelled' | 'nothing-booked' | 'already-delivered';

export type ShippingCommand =
  /** OrderApproved: book the order with the carrier. */
  | { type: 'ShipOrder' }
  /** The carrier booked it: the shipment is dispatched. */
  | { type: 'RecordBooking' }
  /** OrderCancelled; `carrier`: what the carrier said, null when it was not asked yet. */
  | { type: 'CancelOrder'; carrier: CarrierCancellation | null }
  /** An approval of an order cancelled meanwhile: the carrier cancelled what was booked. */
  | { type: 'CompensateBooking'; carrier: CarrierCancellation }
  /** The carrier's delivery callback. */
  | { type: 'RecordDelivery' };

export type SkipReason = 'cancelled-before-booking' | 'already-booked' | 'unchanged' | 'no-shipment';

export type Book = { kind: 'book'; isNew: boolean };
/** The order was cancelled though a booking may exist: cancel it with the carrier first. */
export type AskCarrierToCancel = { kind: 'ask-carrier-to-cancel' };
export type RecordChanges = { kind: 'record'; events: ShippingEvent[] };
export type Skip = { kind: 'skip'; reason: SkipReason };
export type Refused = { kind: 'refused'; from: ShipmentStatus; to: ShipmentStatus };

/** What each command may decide. */
export interface DecisionOf {
  ShipOrder: Book | AskCarrierToCancel | Skip;
  RecordBooking: RecordChanges | Skip | Refused;
  CancelOrder: RecordChanges | AskCarrierToCancel;
  CompensateBooking: RecordChanges | Skip;
  RecordDelivery: RecordChanges | Skip | Refused;
}

export function decide<C extends ShippingCommand>(command: C, state: OrderShipping): DecisionOf[C['type']] {
  return decideAny(command, state) as DecisionOf[C['type']];
}

function decideAny(command: ShippingCommand, state: OrderShipping): DecisionOf[ShippingCommand['type']] {
  switch (command.type) {
    case 'ShipOrder':
      return shipOrder(state);
    case 'RecordBooking':
      return advance(state.shipment, 'DISPATCHED');
    case 'CancelOrder': {
      const step = state.shipment === null ? 'keep' : cancellationStep(state.shipment, command.carrier);
      if (step === 'ask-carrier-first') return { kind: 'ask-carrier-to-cancel' };
      const cancelled: ShippingEvent[] = step === 'cancel' ? [{ type: 'ShipmentCancelled' }] : [];
      return { kind: 'record', events: [{ type: 'OrderCancelled' }, ...cancelled] };
    }
    case 'CompensateBooking':
      return state.shipment !== null && cancellationStep(state.shipment, command.carrier) === 'cancel'
        ? { kind: 'record', events: [{ type: 'ShipmentCancelled' }] }
        : { kind: 'skip', reason: 'unchanged' };
    case 'RecordDelivery':
      return advance(state.shipment, 'DELIVERED');
    default:
      return unreachable(command);
  }
}

function shipOrder({ shipment, cancelled }: OrderShipping): DecisionOf['ShipOrder'] {
  if (shipment === null) {
    return cancelled ? { kind: 'skip', reason: 'cancelled-before-booking' } : { kind: 'book', isNew: true };
  }
  switch (shipment) {
    case 'BOOKING':
      // Ask the carrier again (after a crash), unless the order was cancelled meanwhile.
      return cancelled ? { kind: 'ask-carrier-to-cancel' } : { kind: 'book', isNew: false };
    case 'CANCELLED':
      return { kind: 'ask-carrier-to-cancel' };
    case 'DISPATCHED':
    case 'DELIVERED':
      return { kind: 'skip', reason: 'already-booked' };
    default:
      return unreachable(shipment);
  }
}

/** DISPATCHED once booked, DELIVERED once delivered; a shipment already past that stays. */
function advance(
  shipment: ShipmentStatus | null,
  to: 'DISPATCHED' | 'DELIVERED',
): RecordChanges | Skip | Refused {
  if (shipment === null) return { kind: 'skip', reason: 'no-shipment' };
  const step = move(shipment, to);
  if (step.kind === 'unchanged')
    return { kind: 'skip', reason: to === 'DISPATCHED' ? 'already-booked' : 'unchanged' };
  // A booking answered after the parcel's delivery was recorded: nothing to do.
  if (to === 'DISPATCHED' && shipment === 'DELIVERED') return { kind: 'skip', reason: 'already-booked' };
  if (step.kind === 'refused') return { kind: 'refused', from: step.from, to: step.to };
  return { kind: 'record', events: [{ type: to === 'DISPATCHED' ? 'Dispatched' : 'Delivered' }] };
}

/** Whether an order's cancellation must reach the carrier: only when something may be booked. */
function needsCarrierCancellation(shipment: ShipmentStatus): boolean {
  switch (shipment) {
    case 'BOOKING':
    case 'DISPATCHED':
      return true;
    case 'DELIVERED':
    case 'CANCELLED':
      return false;
    default:
      return unreachable(shipment);
  }
}

/**
 * What an order's cancellation does to its shipment, given what the carrier said (null: it was not
 * asked). A shipment that may be booked is never marked CANCELLED without asking the carrier first,
 * or a live booking would be forgotten; one the carrier delivered already stays as it is (its
 * delivery callback moves it to DELIVERED).
 */
function cancellationStep(
  shipment: ShipmentStatus,
  carrier: CarrierCancellation | null,
): 'cancel' | 'keep' | 'ask-carrier-first' {
  if (needsCarrierCancellation(shipment) && carrier === null) return 'ask-carrier-first';
  if (carrier === 'already-delivered') return 'keep';
  return move(shipment, 'CANCELLED').kind === 'moved' ? 'cancel' : 'keep';
}

/** The command an order status event asks for; null for the statuses shipments has nothing to do with. */
export function commandFor(type: OrderEventType): 'ShipOrder' | 'CancelOrder' | null {
  switch (type) {
    case 'OrderApproved':
      return 'ShipOrder';
    case 'OrderCancelled':
      return 'CancelOrder';
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

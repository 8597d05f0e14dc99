import { compareSkus } from './reservation.ts';
import { unreachable } from './unreachable.ts';

/**
 * The life of a reservation once its order's fate is known:
 *
 *   RESERVED ──commit──▶ COMMITTED ──release──▶ RESTOCKED   (cancelled after approval)
 *   RESERVED ──release─▶ RELEASED
 *
 * Each move says what it does to the product: committing turns promised units into units gone
 * (stock and reserved both drop), releasing frees them (reserved drops), restocking puts units
 * back on the shelf (stock rises). A move that does not apply (already there, or settled for good)
 * is no move at all, which is what makes a redelivered or late event harmless.
 */

export const reservationStates = ['RESERVED', 'COMMITTED', 'RELEASED', 'RESTOCKED'] as const;
export type ReservationState = (typeof reservationStates)[number];

/** What the order's fate asks of its reservations: APPROVED commits, FAILED/CANCELLED releases. */
export type Settlement = 'commit' | 'release';

export interface StockDelta {
  stock: number;
  reserved: number;
}

export interface Move {
  to: ReservationState;
  delta: StockDelta;
}

export function isReservationState(text: string): text is ReservationState {
  return (reservationStates as readonly string[]).includes(text);
}

/** The move `settlement` makes from `state` for `quantity` units, or null when there is none. */
export function nextMove(state: ReservationState, settlement: Settlement, quantity: number): Move | null {
  switch (state) {
    case 'RESERVED':
      return fromReserved(settlement, quantity);
    case 'COMMITTED':
      return fromCommitted(settlement, quantity);
    case 'RELEASED':
    case 'RESTOCKED':
      return null;
    default:
      return unreachable(state);
  }
}

function fromReserved(settlement: Settlement, quantity: number): Move {
  switch (settlement) {
    case 'commit':
      return { to: 'COMMITTED', delta: { stock: -quantity, reserved: -quantity } };
    case 'release':
      return { to: 'RELEASED', delta: { stock: 0, reserved: -quantity } };
    default:
      return unreachable(settlement);
  }
}

function fromCommitted(settlement: Settlement, quantity: number): Move | null {
  switch (settlement) {
    case 'commit':
      return null;
    case 'release':
      return { to: 'RESTOCKED', delta: { stock: quantity, reserved: 0 } };
    default:
      return unreachable(settlement);
  }
}

export interface HeldReservation {
  line: number;
  sku: string;
  quantity: number;
  state: ReservationState;
}

export interface LineMove {
  line: number;
  sku: string;
  from: ReservationState;
  to: ReservationState;
}

export interface SkuDelta extends StockDelta {
  sku: string;
}

export interface SettlementPlan {
  moves: LineMove[];
  /** The change to each product touched, summed over its lines, sorted by sku (locking order). */
  deltas: SkuDelta[];
}

/** Every move `settlement` makes on an order's reservations and what they do to each product. */
export function planSettlement(
  reservations: readonly HeldReservation[],
  settlement: Settlement,
): SettlementPlan {
  const moves: LineMove[] = [];
  const deltas = new Map<string, SkuDelta>();
  for (const reservation of reservations) {
    const move = nextMove(reservation.state, settlement, reservation.quantity);
    if (move === null) continue;
    moves.push({ line: reservation.line, sku: reservation.sku, from: reservation.state, to: move.to });
    const sum = deltas.get(reservation.sku) ?? { sku: reservation.sku, stock: 0, reserved: 0 };
    deltas.set(reservation.sku, {
      sku: sum.sku,
      stock: sum.stock + move.delta.stock,
      reserved: sum.reserved + move.delta.reserved,
    });
  }
  return { moves, deltas: [...deltas.values()].sort((a, b) => compareSkus(a.sku, b.sku)) };
}

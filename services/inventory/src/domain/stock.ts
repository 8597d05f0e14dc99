import type { ValidationResult } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';

/**
 * What inventory holds for one order, and how each of its events changes it (`evolve`). The life of a
 * reservation line once its order's fate is known:
 *
 *   RESERVED ──commit──▶ COMMITTED ──release──▶ RESTOCKED   (cancelled after approval)
 *   RESERVED ──release─▶ RELEASED
 *
 * Each transition says what it does to the product: committing turns promised units into units gone
 * (stock and reserved both drop), releasing frees them (reserved drops), restocking puts units back
 * on the shelf (stock rises). A settlement that does not apply (already there, or settled for good)
 * moves nothing, which is what makes a redelivered or late event harmless.
 */

export const reservationStates = ['RESERVED', 'COMMITTED', 'RELEASED', 'RESTOCKED'] as const;
export type ReservationState = (typeof reservationStates)[number];

/** What the order's fate asks of its reservations: APPROVED commits, FAILED/CANCELLED releases. */
export type Settlement = 'commit' | 'release';

/** What a product can still promise: units on hand and units already promised to other orders. */
export interface Availability {
  stock: number;
  reserved: number;
}

/** A change to a product's stock and reserved units. */
export interface StockDelta {
  stock: number;
  reserved: number;
}

export interface SkuDelta extends StockDelta {
  sku: string;
}

/** The reservation of one order line; `line` is its index in the order's items. */
export interface LineReservation {
  line: number;
  sku: string;
  quantity: number;
}

export interface HeldReservation extends LineReservation {
  state: ReservationState;
}

export interface LineMove {
  line: number;
  sku: string;
  from: ReservationState;
  to: ReservationState;
}

export type Shortage =
  | { kind: 'unknown-sku'; sku: string }
  | { kind: 'insufficient-stock'; sku: string; requested: number; available: number };

/**
 * One order as inventory sees it, loaded under the order's lock. A new order (never checked) has no
 * reservations; `products` holds the locked products it names, which only reserving reads (a
 * settlement's deltas are applied to the rows in SQL, under their locks).
 */
export interface OrderStock {
  /** The INVENTORY verdict given on the order; null while it was never checked. */
  verdict: ValidationResult | null;
  /** The order's reservation lines, in line order. */
  reservations: readonly HeldReservation[];
  /** The products the order names that exist, by sku. */
  products: ReadonlyMap<string, Availability>;
}

/**
 * What happened to an order's stock: every line reserved (PASS), nothing reserved because some sku is
 * short or unknown (FAIL), or its reservations settled by its fate. `deltas`: the change to each
 * product touched, summed over its lines, in sku order (the order products are locked in).
 */
export type InventoryEvent =
  | { type: 'StockReserved'; orderId: string; reservations: LineReservation[]; deltas: SkuDelta[] }
  | { type: 'ReservationRefused'; orderId: string; shortages: Shortage[] }
  | { type: 'ReservationsSettled'; orderId: string; moves: LineMove[]; deltas: SkuDelta[] };

export function evolve(state: OrderStock, event: InventoryEvent): OrderStock {
  switch (event.type) {
    case 'StockReserved':
      return {
        verdict: 'PASS',
        reservations: [
          ...state.reservations,
          ...event.reservations.map((line) => ({ ...line, state: 'RESERVED' as const })),
        ],
        products: withDeltas(state.products, event.deltas),
      };
    case 'ReservationRefused':
      return { ...state, verdict: 'FAIL' };
    case 'ReservationsSettled':
      return {
        ...state,
        reservations: state.reservations.map((held) => {
          const move = event.moves.find((m) => m.line === held.line && m.from === held.state);
          return move === undefined ? held : { ...held, state: move.to };
        }),
        products: withDeltas(state.products, event.deltas),
      };
    default:
      return unreachable(event);
  }
}

/** Where `settlement` takes a line in `state` and what that does to its product; null: it stays. */
export function transition(
  state: ReservationState,
  settlement: Settlement,
  quantity: number,
): { to: ReservationState; delta: StockDelta } | null {
  switch (state) {
    case 'RESERVED':
      return settlement === 'commit'
        ? { to: 'COMMITTED', delta: { stock: -quantity, reserved: -quantity } }
        : { to: 'RELEASED', delta: { stock: 0, reserved: -quantity } };
    case 'COMMITTED':
      return settlement === 'release' ? { to: 'RESTOCKED', delta: { stock: quantity, reserved: 0 } } : null;
    case 'RELEASED':
    case 'RESTOCKED':
      return null;
    default:
      return unreachable(state);
  }
}

export function isReservationState(text: string): text is ReservationState {
  return (reservationStates as readonly string[]).includes(text);
}

/** Bytewise order, the same as the products table's "C" collation: the order rows are locked in. */
export function compareSkus(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function withDeltas(
  products: ReadonlyMap<string, Availability>,
  deltas: readonly SkuDelta[],
): ReadonlyMap<string, Availability> {
  const next = new Map(products);
  for (const { sku, stock, reserved } of deltas) {
    const current = next.get(sku);
    if (current !== undefined) {
      next.set(sku, { stock: current.stock + stock, reserved: current.reserved + reserved });
    }
  }
  return next;
}

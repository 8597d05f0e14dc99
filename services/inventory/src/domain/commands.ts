import type { Order, OrderEventType } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';
import {
  type Availability,
  compareSkus,
  type InventoryEvent,
  type LineMove,
  type OrderStock,
  type Settlement,
  type Shortage,
  type SkuDelta,
  transition,
} from './stock.ts';

/**
 * What inventory is asked to do about an order and what it decides. Reserving is all or nothing:
 * lines of the same sku are summed before comparing, so an order asking for 2 + 2 JUMPERS needs 4
 * available, not 2 twice. Pure: the store locks the order and its products and hands their state in.
 */

export interface OrderLine {
  sku: string;
  quantity: number;
}

export type InventoryCommand =
  | { type: 'ReserveOrder'; orderId: string; lines: readonly OrderLine[] }
  | { type: 'SettleOrder'; orderId: string; settlement: Settlement };

/** The order status events inventory acts on; the others are skipped without being parsed. */
export const actedOn = ['OrderCreated', 'OrderApproved', 'OrderFailed', 'OrderCancelled'] as const;

/**
 * What an order status event asks of inventory: a new order reserves its lines, an approved one
 * commits its reservation, a failed or cancelled one releases it; null for the other statuses.
 */
export function commandFor(
  type: OrderEventType,
  order: Pick<Order, 'id' | 'items'>,
): InventoryCommand | null {
  switch (type) {
    case 'OrderCreated':
      return { type: 'ReserveOrder', orderId: order.id, lines: order.items };
    case 'OrderApproved':
      return { type: 'SettleOrder', orderId: order.id, settlement: 'commit' };
    case 'OrderFailed':
    case 'OrderCancelled':
      return { type: 'SettleOrder', orderId: order.id, settlement: 'release' };
    case 'OrderValidated':
    case 'OrderShipped':
    case 'OrderDelivered':
      return null;
    default:
      return unreachable(type);
  }
}

/**
 * ReserveOrder: nothing if the order has its verdict already (another copy of OrderCreated);
 * otherwise every line if every sku has enough available (stock − reserved ≥ the sum asked), or no
 * line and every shortage, in sku order. SettleOrder: every line whose state allows the move moves;
 * nothing for an order with nothing (left) to settle.
 */
export function decide(command: InventoryCommand, state: OrderStock): InventoryEvent[] {
  switch (command.type) {
    case 'ReserveOrder':
      return state.verdict === null ? [reserve(command.orderId, command.lines, state.products)] : [];
    case 'SettleOrder':
      return settle(command.orderId, command.settlement, state);
    default:
      return unreachable(command);
  }
}

function reserve(
  orderId: string,
  lines: readonly OrderLine[],
  products: ReadonlyMap<string, Availability>,
): InventoryEvent {
  const requested = requestedBySku(lines);
  const shortages = requested.flatMap((entry) => shortageOf(entry, products.get(entry.sku)));
  if (shortages.length > 0) return { type: 'ReservationRefused', orderId, shortages };
  return {
    type: 'StockReserved',
    orderId,
    reservations: lines.map((line, index) => ({ line: index, sku: line.sku, quantity: line.quantity })),
    deltas: requested.map(({ sku, quantity }) => ({ sku, stock: 0, reserved: quantity })),
  };
}

function shortageOf(entry: OrderLine, found: Availability | undefined): Shortage[] {
  if (found === undefined) return [{ kind: 'unknown-sku', sku: entry.sku }];
  const available = Math.max(0, found.stock - found.reserved);
  if (entry.quantity <= available) return [];
  return [{ kind: 'insufficient-stock', sku: entry.sku, requested: entry.quantity, available }];
}

function settle(orderId: string, settlement: Settlement, state: OrderStock): InventoryEvent[] {
  const moves: LineMove[] = [];
  const deltas = new Map<string, SkuDelta>();
  for (const held of state.reservations) {
    const move = transition(held.state, settlement, held.quantity);
    if (move === null) continue;
    moves.push({ line: held.line, sku: held.sku, from: held.state, to: move.to });
    const sum = deltas.get(held.sku) ?? { sku: held.sku, stock: 0, reserved: 0 };
    deltas.set(held.sku, {
      sku: held.sku,
      stock: sum.stock + move.delta.stock,
      reserved: sum.reserved + move.delta.reserved,
    });
  }
  if (moves.length === 0) return [];
  const bySku = [...deltas.values()].sort((a, b) => compareSkus(a.sku, b.sku));
  return [{ type: 'ReservationsSettled', orderId, moves, deltas: bySku }];
}

/** The quantity asked per sku, lines of one sku summed, sorted by sku. */
export function requestedBySku(lines: readonly OrderLine[]): OrderLine[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.sku, (totals.get(line.sku) ?? 0) + line.quantity);
  return [...totals].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => compareSkus(a.sku, b.sku));
}

/** Every distinct sku of the lines, sorted: the products to lock, in locking order. */
export function skusOf(lines: readonly OrderLine[]): string[] {
  return requestedBySku(lines).map((entry) => entry.sku);
}

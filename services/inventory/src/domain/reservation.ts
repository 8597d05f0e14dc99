import { unreachable } from './unreachable.ts';

/**
 * Reserving an order's lines, all or nothing. Pure: the store locks the products and hands their
 * stock in; this decides. Lines of the same sku are summed before comparing, so an order asking
 * for 2 + 2 JUMPERS needs 4 available, not 2 twice.
 */

/** What a product can still promise: units on hand and units already promised to other orders. */
export interface Availability {
  stock: number;
  reserved: number;
}

export interface OrderLine {
  sku: string;
  quantity: number;
}

/** The reservation of one order line; `line` is its index in the order's items. */
export interface LineReservation {
  line: number;
  sku: string;
  quantity: number;
}

export interface SkuQuantity {
  sku: string;
  quantity: number;
}

export type Shortage =
  | { kind: 'unknown-sku'; sku: string }
  | { kind: 'insufficient-stock'; sku: string; requested: number; available: number };

export type ReserveOutcome =
  | { ok: true; reservations: LineReservation[]; bySku: SkuQuantity[] }
  | { ok: false; shortages: Shortage[] };

/** Bytewise order, the same as the products table's "C" collation: the order rows are locked in. */
export function compareSkus(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** The quantity asked per sku, lines of one sku summed, sorted by sku. */
export function requestedBySku(lines: readonly OrderLine[]): SkuQuantity[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.sku, (totals.get(line.sku) ?? 0) + line.quantity);
  return [...totals].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => compareSkus(a.sku, b.sku));
}

/** Every distinct sku of the lines, sorted: the products to lock, in locking order. */
export function skusOf(lines: readonly OrderLine[]): string[] {
  return requestedBySku(lines).map((entry) => entry.sku);
}

/**
 * Reserves every line if every sku has enough available (stock − reserved ≥ the sum asked);
 * otherwise reserves nothing and lists every shortage, in sku order.
 */
export function reserve(
  lines: readonly OrderLine[],
  availability: ReadonlyMap<string, Availability>,
): ReserveOutcome {
  const requested = requestedBySku(lines);
  const shortages = requested.flatMap((entry) => shortageOf(entry, availability.get(entry.sku)));
  if (shortages.length > 0) return { ok: false, shortages };
  const reservations = lines.map((line, index) => ({ line: index, sku: line.sku, quantity: line.quantity }));
  return { ok: true, reservations, bySku: requested };
}

function shortageOf(entry: SkuQuantity, found: Availability | undefined): Shortage[] {
  if (found === undefined) return [{ kind: 'unknown-sku', sku: entry.sku }];
  const available = Math.max(0, found.stock - found.reserved);
  if (entry.quantity <= available) return [];
  return [{ kind: 'insufficient-stock', sku: entry.sku, requested: entry.quantity, available }];
}

/**
 * The FAIL reason a customer may read, naming every short sku, e.g.
 * `insufficient stock: JUMPERS (requested 3, available 1); unknown sku: HATS`.
 */
export function shortageReason(shortages: readonly Shortage[]): string {
  const insufficient: string[] = [];
  const unknown: string[] = [];
  for (const shortage of shortages) {
    switch (shortage.kind) {
      case 'insufficient-stock':
        insufficient.push(
          `${shortage.sku} (requested ${shortage.requested}, available ${shortage.available})`,
        );
        break;
      case 'unknown-sku':
        unknown.push(shortage.sku);
        break;
      default:
        unreachable(shortage);
    }
  }
  const parts: string[] = [];
  if (insufficient.length > 0) parts.push(`insufficient stock: ${insufficient.join(', ')}`);
  if (unknown.length > 0) parts.push(`unknown sku: ${unknown.join(', ')}`);
  return parts.join('; ');
}

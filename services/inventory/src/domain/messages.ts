import {
  type EventStamp,
  type OrderValidationEvent,
  orderValidationEvent,
  type Product,
  type ProductChangedEvent,
} from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';
import type { InventoryEvent, Shortage } from './stock.ts';

/**
 * What inventory says on Kafka: its verdict on each new order and every change of a product. Pure:
 * event ids and times come in as `EventStamp`.
 */

export const inventorySource = 'inventory';

type Checked = Extract<InventoryEvent, { type: 'StockReserved' | 'ReservationRefused' }>;

/** The INVENTORY check's verdict on an order: PASS with everything reserved, or FAIL saying why. */
export function validationEvent(checked: Checked, stamp: EventStamp): OrderValidationEvent {
  const verdict =
    checked.type === 'StockReserved'
      ? { result: 'PASS' as const }
      : { result: 'FAIL' as const, reason: shortageReason(checked.shortages) };
  return orderValidationEvent('INVENTORY', checked.orderId, verdict, stamp);
}

/** A product as it is now, for the compacted catalog topic (the latest event per sku is the product). */
export function productChangedEvent(product: Product, stamp: EventStamp): ProductChangedEvent {
  return {
    id: stamp.id,
    type: 'ProductChanged',
    occurredAt: stamp.at.toISOString(),
    source: inventorySource,
    sku: product.sku,
    product,
  };
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

import {
  type EventStamp,
  type OrderEventType,
  type OrderValidationEvent,
  orderValidationEvent,
  type Product,
  type ProductChangedEvent,
} from '@microshop/contracts';
import { type ReserveOutcome, shortageReason } from './reservation.ts';
import type { Settlement } from './reservation-state.ts';
import { unreachable } from './unreachable.ts';

/**
 * What inventory hears and says. Hears: order status events; says: its verdict on each new order
 * and every change of a product. Pure: event ids and times come in as `EventStamp`.
 */

export const inventorySource = 'inventory';

/** What an order status event asks of inventory: reserve its lines, or settle its reservations. */
export type Reaction = { kind: 'reserve' } | { kind: 'settle'; settlement: Settlement };

/** null for the statuses inventory has nothing to do with. */
export function reactionTo(type: OrderEventType): Reaction | null {
  switch (type) {
    case 'OrderCreated':
      return { kind: 'reserve' };
    case 'OrderApproved':
      return { kind: 'settle', settlement: 'commit' };
    case 'OrderFailed':
    case 'OrderCancelled':
      return { kind: 'settle', settlement: 'release' };
    case 'OrderValidated':
    case 'OrderShipped':
    case 'OrderDelivered':
      return null;
    default:
      return unreachable(type);
  }
}

/** The INVENTORY check's verdict on an order: PASS with everything reserved, or FAIL saying why. */
export function validationEvent(
  orderId: string,
  outcome: ReserveOutcome,
  stamp: EventStamp,
): OrderValidationEvent {
  const verdict = outcome.ok
    ? { result: 'PASS' as const }
    : { result: 'FAIL' as const, reason: shortageReason(outcome.shortages) };
  return orderValidationEvent('INVENTORY', orderId, verdict, stamp);
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

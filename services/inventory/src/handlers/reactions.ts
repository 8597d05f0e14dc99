import type { Order, OrderValidationEvent, ValidationResult } from '@microshop/contracts';
import type { PoolClient } from '@microshop/platform';
import { validationEvent } from '../domain/events.ts';
import { reserve, skusOf } from '../domain/reservation.ts';
import { planSettlement, type Settlement } from '../domain/reservation-state.ts';
import { type Publishing, publishProductChanges, publishValidation } from '../store/outbox-events.ts';
import { applyDeltas, lockProducts } from '../store/products.ts';
import {
  findCheck,
  insertReservations,
  lockOrder,
  moveReservations,
  readReservations,
  recordCheck,
} from '../store/reservations.ts';

// What inventory does about an order, each inside the caller's transaction (handleOnce), so the
// inbox row, the stock change and the outgoing events commit together or not at all.
// Locks: the order first, then its products in sku order: the same order everywhere.

export type ReserveResult =
  | { kind: 'checked'; validation: OrderValidationEvent }
  /** The order had its verdict already (another copy of OrderCreated): nothing changed or sent. */
  | { kind: 'already-checked'; result: ValidationResult };

/**
 * Reserves every line of a new order or none: PASS when all were reserved, FAIL naming every
 * short or unknown sku. Either way the verdict goes out as an OrderValidation.
 */
export async function reserveOrder(
  client: PoolClient,
  publishing: Publishing,
  order: Order,
): Promise<ReserveResult> {
  await lockOrder(client, order.id);
  const earlier = await findCheck(client, order.id);
  if (earlier !== null) return { kind: 'already-checked', result: earlier };

  const at = publishing.now();
  const products = await lockProducts(client, skusOf(order.items));
  const outcome = reserve(order.items, products);
  const validation = validationEvent(order.id, outcome, { id: publishing.newId(), at });
  if (outcome.ok) {
    await insertReservations(client, order.id, outcome.reservations, at);
    const deltas = outcome.bySku.map(({ sku, quantity }) => ({ sku, stock: 0, reserved: quantity }));
    await publishProductChanges(client, publishing, await applyDeltas(client, deltas, at), at);
  }
  await recordCheck(client, validation, at);
  await publishValidation(client, publishing, validation);
  return { kind: 'checked', validation };
}

export interface SettleResult {
  /** Reservation lines that changed state; 0 for an order with nothing (left) to settle. */
  moved: number;
}

/**
 * Commits (APPROVED) or releases (FAILED, CANCELLED) the order's reservations. Only lines whose
 * state allows the move change, so a repeated or late event, or an order that never reserved,
 * changes nothing and sends nothing.
 */
export async function settleOrder(
  client: PoolClient,
  publishing: Publishing,
  orderId: string,
  settlement: Settlement,
): Promise<SettleResult> {
  await lockOrder(client, orderId);
  const plan = planSettlement(await readReservations(client, orderId), settlement);
  if (plan.moves.length === 0) return { moved: 0 };

  const at = publishing.now();
  await lockProducts(
    client,
    plan.deltas.map((delta) => delta.sku),
  );
  await moveReservations(client, orderId, plan.moves, at);
  await publishProductChanges(client, publishing, await applyDeltas(client, plan.deltas, at), at);
  return { moved: plan.moves.length };
}

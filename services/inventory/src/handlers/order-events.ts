import type { OrderEvent } from '@microshop/contracts';
import {
  decodeOrderEvent,
  type HandlerTransaction,
  type TransactionalHandler,
  transactional,
  unreachable,
} from '@microshop/platform';
import { actedOn, commandFor, decide, type InventoryCommand, skusOf } from '../domain/commands.ts';
import { validationEvent } from '../domain/messages.ts';
import type { InventoryEvent, OrderStock } from '../domain/stock.ts';
import { applyDeltas, lockProducts } from '../store/products.ts';
import {
  findCheck,
  insertReservations,
  lockOrder,
  moveReservations,
  readReservations,
  recordCheck,
} from '../store/reservations.ts';
import { type Publishing, productChangeMessages, validationMessage } from './publishing.ts';

/**
 * The consumer of `microshop.order-outbox` (group `inventory`): OrderCreated reserves stock and
 * answers with the INVENTORY verdict; OrderApproved commits the reservation; OrderFailed and
 * OrderCancelled release it. The kit runs each in one transaction with its inbox row, so the stock
 * change and the outgoing events commit together or not at all.
 *
 * Locks: the order first, then its products in sku order: the same order everywhere.
 */

export function reserveForOrders(options: { publishing: Publishing }): TransactionalHandler<OrderEvent> {
  return transactional({
    decode: (message) => decodeOrderEvent(message, actedOn),
    apply: async (event, tx) => {
      const command = commandFor(event.type, event.order);
      if (command === null) return;
      const events = await applyCommand(tx, options.publishing, command);
      tx.logger.debug(
        { orderId: event.orderId, type: event.type, events: events.map((e) => e.type) },
        'order event handled',
      );
    },
  });
}

/** Where an inventory command runs: a transaction and the outbox rows it publishes. */
export type InventoryTransaction = Pick<HandlerTransaction, 'client' | 'publish'>;

/**
 * One command in the caller's transaction: the order locked, its stock loaded, `decide`, every event
 * recorded and published. The consumer runs it for each order event, the reaper for an order whose
 * fate it knows (tasks/reaper.ts).
 */
export async function applyCommand(
  tx: InventoryTransaction,
  publishing: Publishing,
  command: InventoryCommand,
): Promise<InventoryEvent[]> {
  await lockOrder(tx.client, command.orderId);
  const events = decide(command, await load(tx, command));
  for (const happened of events) await record(tx, publishing, happened);
  return events;
}

/**
 * The order's stock, under the order's lock: its verdict and reservations, and for reserving the
 * products it names, locked (only while it has no verdict: a second announcement locks nothing).
 * Settling locks its products once their deltas are known.
 */
async function load(tx: InventoryTransaction, command: InventoryCommand): Promise<OrderStock> {
  const verdict = await findCheck(tx.client, command.orderId);
  if (command.type === 'SettleOrder') {
    return { verdict, reservations: await readReservations(tx.client, command.orderId), products: new Map() };
  }
  // A new order has no reservations: they are written with its verdict.
  const products = verdict === null ? await lockProducts(tx.client, skusOf(command.lines)) : new Map();
  return { verdict, reservations: [], products };
}

async function record(
  tx: InventoryTransaction,
  publishing: Publishing,
  event: InventoryEvent,
): Promise<void> {
  const at = publishing.now();
  switch (event.type) {
    case 'StockReserved': {
      await insertReservations(tx.client, event.orderId, event.reservations, at);
      tx.publish(...productChangeMessages(publishing, await applyDeltas(tx.client, event.deltas, at), at));
      return verdictOf(tx, publishing, event, at);
    }
    case 'ReservationRefused':
      return verdictOf(tx, publishing, event, at);
    case 'ReservationsSettled': {
      await lockProducts(
        tx.client,
        event.deltas.map((delta) => delta.sku),
      );
      await moveReservations(tx.client, event.orderId, event.moves, at);
      tx.publish(...productChangeMessages(publishing, await applyDeltas(tx.client, event.deltas, at), at));
      return;
    }
    default:
      unreachable(event);
  }
}

/** The one verdict of the order: recorded, and sent as an OrderValidation. */
async function verdictOf(
  tx: InventoryTransaction,
  publishing: Publishing,
  event: Extract<InventoryEvent, { type: 'StockReserved' | 'ReservationRefused' }>,
  at: Date,
): Promise<void> {
  const validation = validationEvent(event, { id: publishing.newId(), at });
  await recordCheck(tx.client, validation, at);
  tx.publish(validationMessage(publishing, validation));
}

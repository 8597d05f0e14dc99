import type { Order } from '@microshop/contracts';
import {
  concurrentUpdate,
  handleOnce,
  type PoolClient,
  unreachable,
  withTransaction,
} from '@microshop/platform';
import type { CarrierBooking } from '../clients/carrier.ts';
import { type CarrierCancellation, decide, type SkipReason } from '../domain/decide.ts';
import { shipmentDispatched } from '../domain/events.ts';
import { bookingKey } from '../domain/shipment.ts';
import { publishShipmentEvent } from '../store/outbox-events.ts';
import {
  findByOrder,
  insertBooking,
  isOrderCancelled,
  lockOrder,
  markCancelled,
  markDispatched,
  type ShipmentRow,
  wasHandled,
} from '../store/shipments.ts';
import type { Delivery, ShippingDeps } from './deps.ts';

/**
 * OrderApproved → book with the carrier → DISPATCHED + ShipmentDispatched. Three steps, because the
 * carrier is called outside any transaction:
 *   1. a short transaction decides (`ShipOrder`), and writes the BOOKING row the first time;
 *   2. the carrier books, under the key `shipment-<orderId>`, so asking again never books twice;
 *   3. one transaction records the inbox row, DISPATCHED and the outbox event.
 * A crash after 2 leaves BOOKING and no inbox row: the redelivered event asks the carrier again
 * and gets the same booking back.
 */

export type ShipOutcome =
  | { kind: 'dispatched'; shipmentId: string; trackingNumber: string }
  | { kind: 'skipped'; reason: 'already-handled' | SkipReason }
  | { kind: 'compensated'; carrier: CarrierCancellation };

type Prepared =
  | { kind: 'handled' }
  | { kind: 'skip'; reason: SkipReason }
  | { kind: 'ask-carrier-to-cancel' }
  | { kind: 'book'; shipment: ShipmentRow };

export async function shipOrder(
  deps: ShippingDeps,
  delivery: Delivery,
  order: Order,
  signal?: AbortSignal,
): Promise<ShipOutcome> {
  const prepared = await withTransaction(deps.pool, (client) => prepare(client, deps, delivery, order));
  switch (prepared.kind) {
    case 'handled':
      return { kind: 'skipped', reason: 'already-handled' };
    case 'skip':
      return once(deps, delivery, async () => ({ kind: 'skipped', reason: prepared.reason }));
    case 'ask-carrier-to-cancel': {
      const carrier = await deps.carrier.cancelAll(order.id, signal);
      return once(deps, delivery, (client) => recordCompensation(client, deps, order.id, carrier));
    }
    case 'book': {
      const { id, parcels } = prepared.shipment;
      const request = {
        orderId: order.id,
        idempotencyKey: bookingKey(order.id),
        parcels,
        callbackUrl: deps.callbackUrl,
      };
      const booking = await deps.carrier.book(request, signal);
      return once(deps, delivery, (client) =>
        recordBooking(client, deps, { id, orderId: order.id }, booking),
      );
    }
    default:
      return unreachable(prepared);
  }
}

async function prepare(
  client: PoolClient,
  deps: ShippingDeps,
  delivery: Delivery,
  order: Order,
): Promise<Prepared> {
  await lockOrder(client, order.id);
  if (await wasHandled(client, deps.consumer, delivery.eventId)) return { kind: 'handled' };
  const current = await findByOrder(client, order.id);
  const state = { shipment: current?.status ?? null, cancelled: await isOrderCancelled(client, order.id) };
  const decision = decide({ type: 'ShipOrder' }, state);
  switch (decision.kind) {
    case 'skip':
    case 'ask-carrier-to-cancel':
      return decision;
    case 'book': {
      if (current !== null) return { kind: 'book', shipment: current };
      const parcels = order.items.map(({ sku, quantity }) => ({ sku, quantity }));
      const fresh = {
        id: deps.publishing.newId(),
        orderId: order.id,
        customerId: order.customerId,
        carrier: deps.carrier.name,
        parcels,
      };
      return { kind: 'book', shipment: await insertBooking(client, fresh, deps.publishing.now()) };
    }
    default:
      return unreachable(decision);
  }
}

/** Step 3: DISPATCHED and ShipmentDispatched, in the transaction that records the inbox row. */
async function recordBooking(
  client: PoolClient,
  deps: ShippingDeps,
  shipment: { id: string; orderId: string },
  booking: CarrierBooking,
): Promise<ShipOutcome> {
  await lockOrder(client, shipment.orderId);
  const current = await findByOrder(client, shipment.orderId);
  if (current === null) throw new Error(`shipment of order ${shipment.orderId} vanished while booking`);
  const decision = decide({ type: 'RecordBooking' }, { shipment: current.status, cancelled: false });
  if (decision.kind === 'skip') return { kind: 'skipped', reason: decision.reason };
  if (decision.kind === 'refused') {
    // Cancelled while the carrier was booking: roll back; the retry finds CANCELLED and cancels
    // the booking just made with the carrier.
    throw concurrentUpdate(`order ${shipment.orderId} was cancelled while its shipment was being booked`);
  }
  const at = deps.publishing.now();
  await markDispatched(client, current.id, booking, at);
  const dispatched = {
    id: current.id,
    orderId: current.orderId,
    trackingNumber: booking.trackingNumber,
    carrier: booking.carrier,
  };
  await publishShipmentEvent(
    client,
    deps.publishing,
    shipmentDispatched(dispatched, { id: deps.publishing.newId(), at }),
  );
  return { kind: 'dispatched', shipmentId: current.id, trackingNumber: booking.trackingNumber };
}

async function recordCompensation(
  client: PoolClient,
  deps: ShippingDeps,
  orderId: string,
  carrier: CarrierCancellation,
): Promise<ShipOutcome> {
  await lockOrder(client, orderId);
  const current = await findByOrder(client, orderId);
  const state = { shipment: current?.status ?? null, cancelled: true };
  if (current !== null && decide({ type: 'CompensateBooking', carrier }, state).kind === 'record') {
    await markCancelled(client, current.id, current.status, deps.publishing.now());
  }
  return { kind: 'compensated', carrier };
}

/** Runs `fn` in one transaction with the inbox row; a copy already recorded is skipped. */
async function once(
  deps: ShippingDeps,
  delivery: Delivery,
  fn: (client: PoolClient) => Promise<ShipOutcome>,
): Promise<ShipOutcome> {
  const result = await handleOnce(deps.pool, deps.consumer, delivery, fn);
  return result.status === 'handled' ? result.result : { kind: 'skipped', reason: 'already-handled' };
}

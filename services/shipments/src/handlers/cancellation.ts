import { concurrentUpdate, handleOnce, type PoolClient, withTransaction } from '@microshop/platform';
import { type CarrierCancellation, decide } from '../domain/decide.ts';
import type { OrderShipping } from '../domain/shipment.ts';
import {
  findByOrder,
  lockOrder,
  markCancelled,
  recordCancelledOrder,
  wasHandled,
} from '../store/shipments.ts';
import type { Delivery, ShippingDeps } from './deps.ts';

/**
 * OrderCancelled: remember the cancellation (a later OrderApproved then books nothing) and, when the
 * order may have a booking (BOOKING or DISPATCHED), cancel it with the carrier first, outside any
 * transaction, then mark the shipment CANCELLED in one transaction with the inbox row. The carrier's
 * cancellation is idempotent, so a redelivery or a crash in between only asks again.
 */

export type CancelOutcome =
  | { kind: 'cancelled'; shipmentId: string; carrier: CarrierCancellation | null }
  | { kind: 'recorded'; carrier: CarrierCancellation | null }
  | { kind: 'skipped'; reason: 'already-handled' };

export async function cancelOrderShipment(
  deps: ShippingDeps,
  delivery: Delivery,
  orderId: string,
  signal?: AbortSignal,
): Promise<CancelOutcome> {
  const askCarrier = await withTransaction(deps.pool, async (client) => {
    await lockOrder(client, orderId);
    if (await wasHandled(client, deps.consumer, delivery.eventId)) return null;
    const state = { shipment: (await findByOrder(client, orderId))?.status ?? null, cancelled: false };
    return decide({ type: 'CancelOrder', carrier: null }, state).kind === 'ask-carrier-to-cancel';
  });
  if (askCarrier === null) return { kind: 'skipped', reason: 'already-handled' };
  const carrier = askCarrier ? await deps.carrier.cancelAll(orderId, signal) : null;
  const result = await handleOnce(deps.pool, deps.consumer, delivery, (client) =>
    applyCancellation(client, deps, orderId, delivery.eventId, carrier),
  );
  return result.status === 'handled' ? result.result : { kind: 'skipped', reason: 'already-handled' };
}

async function applyCancellation(
  client: PoolClient,
  deps: ShippingDeps,
  orderId: string,
  eventId: string,
  carrier: CarrierCancellation | null,
): Promise<CancelOutcome> {
  await lockOrder(client, orderId);
  const at = deps.publishing.now();
  const current = await findByOrder(client, orderId);
  const state: OrderShipping = { shipment: current?.status ?? null, cancelled: false };
  const decision = decide({ type: 'CancelOrder', carrier }, state);
  if (decision.kind === 'ask-carrier-to-cancel') {
    // A booking started after step 1 looked: roll back and ask the carrier on the retry.
    throw concurrentUpdate(`order ${orderId} got a shipment while its cancellation was being handled`);
  }
  let outcome: CancelOutcome = { kind: 'recorded', carrier };
  for (const event of decision.events) {
    switch (event.type) {
      case 'OrderCancelled':
        await recordCancelledOrder(client, orderId, eventId, at);
        break;
      case 'ShipmentCancelled':
        if (current === null) throw new Error(`order ${orderId} has no shipment to cancel`);
        await markCancelled(client, current.id, current.status, at);
        outcome = { kind: 'cancelled', shipmentId: current.id, carrier };
        break;
      default:
        throw new Error(`a cancellation does not record ${event.type}`);
    }
  }
  return outcome;
}

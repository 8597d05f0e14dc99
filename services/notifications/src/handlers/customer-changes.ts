import { type CustomerChangedEvent, customerChangedEventSchema } from '@microshop/contracts';
import {
  type ConsumedMessage,
  decodeEvent,
  type HandleOnceResult,
  handleOnce,
  inboxMessageOf,
  type Logger,
} from '@microshop/platform';
import { upsertIfNewer } from '../store/customer-copy.ts';
import { lockFactExclusive, lockQueuesAwaitingCustomer } from '../store/parked-events.ts';
import { noProgress, type OrderEventDeps, type Progress, takeUpOrder } from './parking.ts';

/**
 * `microshop.customers` → this service's copy of the customers (the level routing reads, the name and
 * email the emails need). Each event once, with its inbox row; in the same transaction, the order
 * events parked waiting for this customer are taken up again.
 */

export const customerEventTypes = customerChangedEventSchema.shape.type.options;

export function decodeCustomerChange(message: Pick<ConsumedMessage, 'value'>): CustomerChangedEvent | null {
  return decodeEvent(message.value, customerEventTypes, customerChangedEventSchema);
}

/** `stored: false` when the copy already held a newer version of the customer. */
export function handleCustomerChange(
  deps: OrderEventDeps,
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  event: CustomerChangedEvent,
  logger: Logger,
): Promise<HandleOnceResult<{ stored: boolean } & Progress>> {
  const delivery = inboxMessageOf(message, event.id);
  return handleOnce(deps.pool, deps.consumer, delivery, async (client) => {
    await lockFactExclusive(client, { customerId: event.customer.id });
    const stored = await upsertIfNewer(client, event.customer, delivery.eventId);
    const progress = noProgress();
    for (const orderId of await lockQueuesAwaitingCustomer(client, event.customer.id)) {
      await takeUpOrder(client, deps, orderId, logger, progress);
    }
    return { stored, ...progress };
  });
}

import { type CustomerChangedEvent, customerChangedEventSchema } from '@microshop/contracts';
import {
  type ConsumedMessage,
  decodeEvent,
  type HandleOnceResult,
  handleOnce,
  inboxMessageOf,
  type Pool,
} from '@microshop/platform';
import { upsertIfNewer } from '../store/customer-copy.ts';

/**
 * `microshop.customers` → this service's copy of the customers (the level routing reads, and
 * later the name and email the emails need). Each event once, with its inbox row.
 */

export const customerEventTypes = customerChangedEventSchema.shape.type.options;

export function decodeCustomerChange(message: Pick<ConsumedMessage, 'value'>): CustomerChangedEvent | null {
  return decodeEvent(message.value, customerEventTypes, customerChangedEventSchema);
}

/** `handled` with `stored: false` when the copy already held a newer version of the customer. */
export function handleCustomerChange(
  deps: { pool: Pool; consumer: string },
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  event: CustomerChangedEvent,
): Promise<HandleOnceResult<{ stored: boolean }>> {
  const delivery = inboxMessageOf(message, event.id);
  return handleOnce(deps.pool, deps.consumer, delivery, async (client) => ({
    stored: await upsertIfNewer(client, event.customer, delivery.eventId),
  }));
}

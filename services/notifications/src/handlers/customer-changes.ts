import { type CustomerChangedEvent, customerChangedEventSchema } from '@microshop/contracts';
import { type ConsumedMessage, decodeEvent } from '@microshop/platform';
import { upsertIfNewer } from '../store/customer-copy.ts';
import { lockFactExclusive, lockQueuesAwaitingCustomer } from '../store/parked-events.ts';
import { type ForwardingHandler, type ForwardingOptions, noProgress, takeUpOrder } from './forwarding.ts';

/**
 * `microshop.customers` → this service's copy of the customers (the level routing reads, the name and
 * email the emails need), in the kit's transaction with the inbox row; in the same transaction, the
 * order events parked waiting for this customer are taken up again.
 */

export const customerEventTypes = customerChangedEventSchema.shape.type.options;

export function decodeCustomerChange(message: Pick<ConsumedMessage, 'value'>): CustomerChangedEvent | null {
  return decodeEvent(message.value, customerEventTypes, customerChangedEventSchema);
}

export function customerChanges(options: ForwardingOptions): ForwardingHandler<CustomerChangedEvent> {
  return {
    decode: decodeCustomerChange,
    apply: async (event, tx) => {
      await lockFactExclusive(tx.client, { customerId: event.customer.id });
      // false when the copy already held a newer version of the customer
      const stored = await upsertIfNewer(tx.client, event.customer, tx.eventId);
      tx.logger.debug({ customerId: event.customerId, stored }, 'customer change handled');
      const progress = noProgress();
      for (const orderId of await lockQueuesAwaitingCustomer(tx.client, event.customer.id)) {
        await takeUpOrder(tx, options, orderId, progress);
      }
      return progress;
    },
  };
}

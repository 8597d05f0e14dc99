import type { CustomerChangedEvent, ProductChangedEvent } from '@microshop/contracts';
import {
  type ConsumedMessage,
  decodeCustomerChange,
  decodeProductChange,
  type HandlerTransaction,
  type TransactionalHandler,
  transactional,
} from '@microshop/platform';
import { lockWaitingForCustomer, lockWaitingForSku, type ParkedOrder } from '../store/pending-store.ts';
import { lockReferenceExclusive, upsertCustomer, upsertProduct } from '../store/reference-store.ts';
import { recheckParked, type VerdictOptions } from './verdicts.ts';

/**
 * The consumer of `microshop.customers` and `microshop.products`: keeps this service's copies. Each
 * event carries the whole record, so the copy takes it if it is newer (by `updatedAt`) than what it
 * holds and ignores it otherwise. In the same transaction (the kit's, with the inbox row), the orders
 * parked waiting for this customer or sku are checked again: those now complete get their verdict.
 */

export type ReferenceEvent = CustomerChangedEvent | ProductChangedEvent;

export function copyReferences(options: VerdictOptions): TransactionalHandler<ReferenceEvent> {
  return transactional({
    decode: decodeReferenceEvent,
    apply: async (event, tx) => {
      const { changed, waiting } = await applyCopy(tx, event);
      const now = (options.now ?? (() => new Date()))();
      const verdicts = await recheckParked(tx, options, waiting, now);
      tx.logger.debug({ type: event.type, changed }, 'reference event handled');
      for (const validation of verdicts) {
        tx.logger.info(
          { orderId: validation.orderId, result: validation.result, reason: validation.reason },
          'parked order checked: the reference it waited for arrived',
        );
      }
    },
  });
}

/**
 * Writes the copy (after its advisory lock: see `lockReferenceExclusive`) and locks the orders
 * parked waiting for it. `changed` is false for an event older than the copy.
 */
async function applyCopy(
  tx: HandlerTransaction,
  event: ReferenceEvent,
): Promise<{ changed: boolean; waiting: ParkedOrder[] }> {
  if (event.type === 'ProductChanged') {
    await lockReferenceExclusive(tx.client, { sku: event.product.sku });
    const changed = await upsertProduct(tx.client, event.product, tx.eventId);
    return { changed, waiting: await lockWaitingForSku(tx.client, event.product.sku) };
  }
  await lockReferenceExclusive(tx.client, { customerId: event.customer.id });
  const changed = await upsertCustomer(tx.client, event.customer, tx.eventId);
  return { changed, waiting: await lockWaitingForCustomer(tx.client, event.customer.id) };
}

/**
 * The customer or product change a message carries, decided by its `type`; null for a tombstone or
 * any other type. A known type that breaks its schema is non-retriable: the consumer dead-letters it.
 */
export function decodeReferenceEvent(message: Pick<ConsumedMessage, 'value'>): ReferenceEvent | null {
  return decodeCustomerChange(message) ?? decodeProductChange(message);
}

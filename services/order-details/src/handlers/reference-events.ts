import {
  type CustomerChangedEvent,
  customerChangedEventSchema,
  type ProductChangedEvent,
  productChangedEventSchema,
} from '@microshop/contracts';
import {
  type ConsumedMessage,
  eventTypeOf,
  type HandleOnceResult,
  handleOnce,
  inboxMessageOf,
  type MessageHandler,
  type Pool,
  parseEvent,
} from '@microshop/platform';
import { unreachable } from '../domain/checks.ts';
import { upsertCustomer, upsertProduct } from '../store/reference-store.ts';

/**
 * The Kafka handler of `microshop.customers` and `microshop.products`: keeps this service's copies.
 * Each event carries the whole record, so the copy takes it if it is newer (by `updatedAt`) than what
 * it holds and ignores it otherwise; the inbox row commits with it.
 */

export interface ReferenceHandlerOptions {
  pool: Pool;
  /** The inbox's consumer name: the reference consumer group. */
  consumer: string;
}

export type ReferenceEvent =
  | { kind: 'customer'; event: CustomerChangedEvent }
  | { kind: 'product'; event: ProductChangedEvent };

export function createReferenceHandler(options: ReferenceHandlerOptions): MessageHandler {
  return async (message, context) => {
    const reference = decodeReferenceEvent(message);
    if (reference === null) return; // a tombstone or a type this service does not copy
    const handled = await handleReferenceEvent(options, message, reference);
    context.logger.debug(
      { kind: reference.kind, changed: handled.status === 'handled' && handled.result },
      'reference event handled',
    );
  };
}

/** Applies the event to its copy once per consumer. The result says whether the copy changed. */
export function handleReferenceEvent(
  options: ReferenceHandlerOptions,
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  reference: ReferenceEvent,
): Promise<HandleOnceResult<boolean>> {
  const delivery = inboxMessageOf(message, reference.event.id);
  return handleOnce(options.pool, options.consumer, delivery, (client) => {
    switch (reference.kind) {
      case 'customer':
        return upsertCustomer(client, reference.event.customer, delivery.eventId);
      case 'product':
        return upsertProduct(client, reference.event.product, delivery.eventId);
      default:
        return unreachable(reference);
    }
  });
}

const customerTypes: readonly string[] = customerChangedEventSchema.shape.type.options;

/**
 * The customer or product change a message carries, decided by its `type`; null for a tombstone or any
 * other type. A known type that breaks its schema is non-retriable: the consumer dead-letters it.
 */
export function decodeReferenceEvent(message: Pick<ConsumedMessage, 'value'>): ReferenceEvent | null {
  const type = eventTypeOf(message.value);
  if (type === undefined) return null;
  if (customerTypes.includes(type)) {
    return { kind: 'customer', event: parseEvent(customerChangedEventSchema, message.value, type) };
  }
  if (type === 'ProductChanged') {
    return { kind: 'product', event: parseEvent(productChangedEventSchema, message.value, type) };
  }
  return null;
}

import {
  type CustomerChangedEvent,
  customerChangedEventSchema,
  type OrderValidationEvent,
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
  type PoolClient,
  parseEvent,
} from '@microshop/platform';
import { unreachable } from '../domain/checks.ts';
import { lockWaitingForCustomer, lockWaitingForSku } from '../store/pending-store.ts';
import { lockReferenceExclusive, upsertCustomer, upsertProduct } from '../store/reference-store.ts';
import { recheckParked, type VerdictOptions } from './verdicts.ts';

/**
 * The Kafka handler of `microshop.customers` and `microshop.products`: keeps this service's copies.
 * Each event carries the whole record, so the copy takes it if it is newer (by `updatedAt`) than what
 * it holds and ignores it otherwise. In the same transaction, with the inbox row, the orders parked
 * waiting for this customer or sku are checked again: those now complete get their verdict.
 */

export interface ReferenceHandlerOptions extends VerdictOptions {
  pool: Pool;
  /** The inbox's consumer name: the reference consumer group. */
  consumer: string;
}

export interface ReferenceOutcome {
  /** Whether the copy changed (false for an event older than the copy). */
  changed: boolean;
  /** The verdicts of parked orders this copy completed. */
  verdicts: OrderValidationEvent[];
}

export type ReferenceEvent =
  | { kind: 'customer'; event: CustomerChangedEvent }
  | { kind: 'product'; event: ProductChangedEvent };

export function createReferenceHandler(options: ReferenceHandlerOptions): MessageHandler {
  return async (message, context) => {
    const reference = decodeReferenceEvent(message);
    if (reference === null) return; // a tombstone or a type this service does not copy
    const handled = await handleReferenceEvent(options, message, reference);
    if (handled.status === 'skipped') return;
    const { changed, verdicts } = handled.result;
    context.logger.debug({ kind: reference.kind, changed }, 'reference event handled');
    for (const validation of verdicts) {
      context.logger.info(
        { orderId: validation.orderId, result: validation.result, reason: validation.reason },
        'parked order checked: the reference it waited for arrived',
      );
    }
  };
}

/**
 * Applies the event to its copy once per consumer, and gives their verdict to the parked orders this
 * copy completes. The copy's advisory lock comes first (see `lockReferenceExclusive`).
 */
export function handleReferenceEvent(
  options: ReferenceHandlerOptions,
  message: Pick<ConsumedMessage, 'topic' | 'partition' | 'offset' | 'eventId'>,
  reference: ReferenceEvent,
): Promise<HandleOnceResult<ReferenceOutcome>> {
  const delivery = inboxMessageOf(message, reference.event.id);
  return handleOnce(options.pool, options.consumer, delivery, async (client) => {
    const changed = await applyCopy(client, reference, delivery.eventId);
    const waiting =
      reference.kind === 'customer'
        ? await lockWaitingForCustomer(client, reference.event.customer.id)
        : await lockWaitingForSku(client, reference.event.product.sku);
    const now = (options.now ?? (() => new Date()))();
    return { changed, verdicts: await recheckParked(client, options, waiting, now) };
  });
}

async function applyCopy(client: PoolClient, reference: ReferenceEvent, eventId: string): Promise<boolean> {
  switch (reference.kind) {
    case 'customer':
      await lockReferenceExclusive(client, { customerId: reference.event.customer.id });
      return upsertCustomer(client, reference.event.customer, eventId);
    case 'product':
      await lockReferenceExclusive(client, { sku: reference.event.product.sku });
      return upsertProduct(client, reference.event.product, eventId);
    default:
      return unreachable(reference);
  }
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

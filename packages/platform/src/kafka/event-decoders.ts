import {
  type CustomerChangedEvent,
  customerChangedEventSchema,
  type OrderCreatedEvent,
  type OrderEvent,
  type OrderEventType,
  orderEventSchema,
  orderEventTypes,
  type ProductChangedEvent,
  productChangedEventSchema,
} from '@microshop/contracts';
import type { ConsumedMessage } from './codec.ts';
import { decodeEvent } from './decode-event.ts';

// The events several services read, decoded once: a consumer's `decode` for the order outbox and
// the customers and products topics. What each event means is in the contracts; here is how a consumed record
// becomes one: skipped when it is not a type the reader acts on, refused (non-retriable, so
// dead-lettered) when it is one but breaks its schema.

/**
 * The order status event a message carries when its `type` is one of `types` (default: every
 * status); null for a tombstone or any other type, which is skipped without being parsed. Parsed by
 * the union's schema, so the cross-field rules (the ids and status match the embedded order) hold.
 */
export function decodeOrderEvent<T extends OrderEventType = OrderEventType>(
  message: Pick<ConsumedMessage, 'value'>,
  types: readonly T[] = orderEventTypes as readonly T[],
): Extract<OrderEvent, { type: T }> | null {
  const event = decodeEvent(message.value, types, orderEventSchema);
  return event !== null && isOneOf(event, types) ? event : null;
}

/** The OrderCreated a message carries; null for any other order event (they share the topic). */
export function decodeOrderCreated(message: Pick<ConsumedMessage, 'value'>): OrderCreatedEvent | null {
  return decodeOrderEvent(message, ['OrderCreated']);
}

/** A CustomerRegistered or CustomerUpdated (the whole customer); null for any other type. */
export function decodeCustomerChange(message: Pick<ConsumedMessage, 'value'>): CustomerChangedEvent | null {
  return decodeEvent(
    message.value,
    customerChangedEventSchema.shape.type.options,
    customerChangedEventSchema,
  );
}

/** A ProductChanged (the whole product, from the compacted catalog topic); null for any other type. */
export function decodeProductChange(message: Pick<ConsumedMessage, 'value'>): ProductChangedEvent | null {
  return decodeEvent(message.value, ['ProductChanged'], productChangedEventSchema);
}

function isOneOf<T extends OrderEventType>(
  event: OrderEvent,
  types: readonly T[],
): event is Extract<OrderEvent, { type: T }> {
  return (types as readonly OrderEventType[]).includes(event.type);
}

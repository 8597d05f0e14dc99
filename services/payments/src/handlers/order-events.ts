import { type OrderEvent, type OrderEventType, orderEventSchema } from '@microshop/contracts';
import { type ConsumedMessage, decodeEvent, eventTypeOf, type MessageHandler } from '@microshop/platform';
import { registerMethod } from '../store/payment-methods.ts';
import { handleOrderEvent, type PaymentDeps, statusAfter } from './payment-step.ts';

/**
 * The consumer of `microshop.order-outbox` (consumer group `payments`): OrderCreated gives the
 * payment token, OrderValidated asks for the charge, OrderCancelled and OrderFailed for the refund
 * of what was captured. Other statuses, tombstones and unknown types are skipped without parsing;
 * a type payments acts on that breaks its schema is dead-lettered.
 */

export const actedOn: readonly OrderEventType[] = [
  'OrderCreated',
  'OrderValidated',
  'OrderCancelled',
  'OrderFailed',
];

export function createOrderEventHandler(deps: PaymentDeps): MessageHandler {
  return async (message, context) => {
    const decoded = decodeOrderEvent(message);
    if (decoded === null) {
      context.logger.debug({ type: eventTypeOf(message.value) }, 'not an event payments acts on; skipped');
      return;
    }
    const event = await withLegacyReference(deps, decoded, message.value);
    const outcome = await handleOrderEvent(deps, message, event, context.signal);
    context.logger.info(
      {
        orderId: event.orderId,
        type: event.type,
        outcome: outcome.status,
        published: outcome.status === 'handled' ? outcome.recorded.events.map((e) => e.type) : [],
        payment: statusAfter(outcome),
      },
      'order event handled',
    );
  };
}

/** The consumer's filter: only the types payments acts on reach the handler (and get a span). */
export function actsOn(message: Pick<ConsumedMessage, 'value'>): boolean {
  const type = eventTypeOf(message.value);
  return type !== undefined && (actedOn as readonly string[]).includes(type);
}

export function decodeOrderEvent(message: Pick<ConsumedMessage, 'value'>): OrderEvent | null {
  return decodeEvent(message.value, actedOn, orderEventSchema);
}

/**
 * An OrderCreated written by an earlier version carries the card token itself instead of a
 * reference (the contract drops it for every reader): payments alone takes it from the record,
 * keeps it encrypted like any other and goes on with its reference.
 */
async function withLegacyReference(
  deps: PaymentDeps,
  event: OrderEvent,
  value: unknown,
): Promise<OrderEvent> {
  if (event.type !== 'OrderCreated' || event.payment.reference !== undefined) return event;
  const token = (value as { payment?: { token?: unknown } } | null)?.payment?.token;
  if (typeof token !== 'string' || token === '') return event;
  const registration = { subject: event.customerId, token };
  const reference = await registerMethod(deps.pool, deps.cipher, registration, deps.now());
  return { ...event, payment: { reference } };
}

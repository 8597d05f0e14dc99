import { type OrderEvent, type OrderEventType, orderEventSchema } from '@microshop/contracts';
import { type ConsumedMessage, decodeEvent, eventTypeOf, type MessageHandler } from '@microshop/platform';
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
    const event = decodeOrderEvent(message);
    if (event === null) {
      context.logger.debug({ type: eventTypeOf(message.value) }, 'not an event payments acts on; skipped');
      return;
    }
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

export function decodeOrderEvent(message: Pick<ConsumedMessage, 'value'>): OrderEvent | null {
  return decodeEvent(message.value, actedOn, orderEventSchema);
}

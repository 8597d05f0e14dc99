import type { MessageHandler } from '@microshop/platform';
import { decodeCustomerChange, handleCustomerChange } from './customer-changes.ts';
import { decodeOrderEvent, handleOrderEvent, type OrderEventDeps } from './order-events.ts';

/**
 * The one consumer handler of the service: customer changes keep the customer copy, order status
 * events are routed. Told apart by topic (both names come from config), then by `type`.
 */

export interface NotificationsHandlerOptions extends OrderEventDeps {
  topics: { orderEvents: string; customers: string };
}

export function createNotificationsHandler(options: NotificationsHandlerOptions): MessageHandler {
  return async (message, context) => {
    if (message.topic === options.topics.customers) {
      const event = decodeCustomerChange(message);
      if (event === null) return context.logger.debug('not a customer change; skipped');
      const outcome = await handleCustomerChange(options, message, event);
      context.logger.debug({ customerId: event.customerId, outcome }, 'customer change handled');
      return;
    }
    if (message.topic === options.topics.orderEvents) {
      const event = decodeOrderEvent(message);
      if (event === null) return context.logger.debug('not an order status event; skipped');
      const outcome = await handleOrderEvent(options, message, event, context.logger);
      if (outcome.status === 'handled') {
        const { level, orderId } = outcome.result.routed;
        context.logger.debug({ orderId, level, status: event.status }, 'order routed');
      }
      return;
    }
    context.logger.warn({ topic: message.topic }, 'message from a topic this service does not read; skipped');
  };
}

import type { ConsumedMessage, HandlerContext, Logger, MessageHandler } from '@microshop/platform';
import { decodeCustomerChange, handleCustomerChange } from './customer-changes.ts';
import { decodeOrderEvent, handleOrderEvent, type OrderEventDeps } from './order-events.ts';
import {
  decodePaymentEvent,
  decodeShipmentEvent,
  handlePaymentEvent,
  handleShipmentEvent,
} from './order-facts.ts';
import type { Progress } from './parking.ts';

/**
 * The one consumer handler of the service: customer changes keep the customer copy; payments and
 * shipments keep what the emails name; order status events are routed and get their email queued.
 * Told apart by topic (every name comes from config), then by `type`. An order event waiting for a
 * fact is parked; the customer, payment or shipment event that brings the fact takes it up again.
 */

export interface NotificationsHandlerOptions extends OrderEventDeps {
  /** Without `payments` and `shipments` those topics are not read (the routing tests). */
  topics: { orderEvents: string; customers: string; payments?: string; shipments?: string };
  /** Called after an email was queued and committed: wakes the sender loop instead of waiting for its tick. */
  onEmailQueued?: () => void;
}

export function createNotificationsHandler(options: NotificationsHandlerOptions): MessageHandler {
  return async (message, context) => {
    switch (message.topic) {
      case options.topics.customers:
        return handleCustomers(options, message, context);
      case options.topics.orderEvents:
        return handleOrders(options, message, context);
      case options.topics.payments:
        return handlePayments(options, message, context);
      case options.topics.shipments:
        return handleShipments(options, message, context);
      default:
        context.logger.warn(
          { topic: message.topic },
          'message from a topic this service does not read; skipped',
        );
    }
  };
}

async function handleCustomers(
  options: NotificationsHandlerOptions,
  message: ConsumedMessage,
  context: HandlerContext,
): Promise<void> {
  const event = decodeCustomerChange(message);
  if (event === null) return context.logger.debug('not a customer change; skipped');
  const outcome = await handleCustomerChange(options, message, event, context.logger);
  if (outcome.status !== 'handled') return;
  context.logger.debug(
    { customerId: event.customerId, stored: outcome.result.stored },
    'customer change handled',
  );
  reportProgress(options, outcome.result, context.logger);
}

async function handleOrders(
  options: NotificationsHandlerOptions,
  message: ConsumedMessage,
  context: HandlerContext,
): Promise<void> {
  const event = decodeOrderEvent(message);
  if (event === null) return context.logger.debug('not an order status event; skipped');
  const outcome = await handleOrderEvent(options, message, event, context.logger);
  if (outcome.status !== 'handled') return;
  const { parked } = outcome.result;
  if (parked !== null) {
    context.logger.info(
      { orderId: event.orderId, status: event.status, ...parked },
      'order event parked until what it waits for arrives or its wait is over',
    );
  }
  reportProgress(options, outcome.result, context.logger);
}

async function handlePayments(
  options: NotificationsHandlerOptions,
  message: ConsumedMessage,
  context: HandlerContext,
): Promise<void> {
  const event = decodePaymentEvent(message);
  if (event === null) return context.logger.debug('not a payment event; skipped');
  const outcome = await handlePaymentEvent(options, message, event, context.logger);
  context.logger.debug(
    { orderId: event.orderId, type: event.type, outcome: outcome.status },
    'payment handled',
  );
  if (outcome.status === 'handled') reportProgress(options, outcome.result, context.logger);
}

async function handleShipments(
  options: NotificationsHandlerOptions,
  message: ConsumedMessage,
  context: HandlerContext,
): Promise<void> {
  const event = decodeShipmentEvent(message);
  if (event === null) return context.logger.debug('not a shipment event; skipped');
  const outcome = await handleShipmentEvent(options, message, event, context.logger);
  context.logger.debug(
    { orderId: event.orderId, type: event.type, outcome: outcome.status },
    'shipment handled',
  );
  if (outcome.status === 'handled') reportProgress(options, outcome.result, context.logger);
}

/** Logs what a committed transaction routed and queued, and wakes the sender for the new emails. */
export function reportProgress(
  options: Pick<NotificationsHandlerOptions, 'onEmailQueued'>,
  progress: Progress,
  logger: Logger,
): void {
  for (const routed of progress.routed) {
    logger.debug({ orderId: routed.orderId, level: routed.level, status: routed.status }, 'order routed');
  }
  for (const email of progress.emails) logger.info(email, 'email queued');
  if (progress.emails.length > 0) options.onEmailQueued?.();
}

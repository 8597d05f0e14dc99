import {
  type ConsumedMessage,
  handleTransactionally,
  type IdentifiedEvent,
  type MessageHandler,
  type Pool,
  type TransactionalHandler,
  transactional,
} from '@microshop/platform';
import { customerChanges } from './customer-changes.ts';
import {
  type ForwardingHandler,
  type ForwardingOptions,
  type Progress,
  reportProgress,
} from './forwarding.ts';
import { orderEvents } from './order-events.ts';
import { paymentEvents, shipmentEvents } from './order-facts.ts';

/**
 * The service's one consumer (group `notifications`, four topics): customer changes keep the customer
 * copy; payments and shipments keep what the emails name; order status events are routed and get
 * their email queued. Told apart by topic (every name comes from config), then by `type`. Each is a
 * transactional handler: the kit runs it in one transaction with its inbox row and outbox rows.
 *
 * What a transaction routed and queued is reported once it has committed (logged, and `onCommitted`:
 * main wakes the sender task for new emails). Not before: a sender woken inside the transaction would
 * look for the email before it can see it, and the email would wait for the sender's next tick.
 */

export interface NotificationsHandlerOptions extends ForwardingOptions {
  pool: Pool;
  /** The inbox's consumer name: the consumer group. */
  consumer: string;
  /** Without `payments` and `shipments` those topics are not read (the routing tests). */
  topics: {
    orderEvents: string;
    customers: string;
    payments?: string | undefined;
    shipments?: string | undefined;
  };
  /** Called after a transaction committed, with what it routed and queued. */
  onCommitted?: (progress: Progress) => void;
}

export function notificationsHandler(options: NotificationsHandlerOptions): MessageHandler {
  const committed = new WeakMap<ConsumedMessage, Progress>();
  const byTopic = new Map<string, TransactionalHandler<IdentifiedEvent>>();
  const read = <T extends IdentifiedEvent>(topic: string | undefined, handler: ForwardingHandler<T>) => {
    if (topic === undefined) return;
    const reporting = transactional<T>({
      decode: handler.decode,
      apply: async (event, tx, message) => void committed.set(message, await handler.apply(event, tx)),
    });
    byTopic.set(topic, reporting);
  };
  read(options.topics.customers, customerChanges(options));
  read(options.topics.orderEvents, orderEvents(options));
  read(options.topics.payments, paymentEvents(options));
  read(options.topics.shipments, shipmentEvents(options));
  const binding = { pool: options.pool, consumer: options.consumer };

  return async (message, context) => {
    const handler = byTopic.get(message.topic);
    if (handler === undefined) {
      context.logger.warn(
        { topic: message.topic },
        'message from a topic this service does not read; skipped',
      );
      return;
    }
    await handleTransactionally(handler, binding, message, context.logger);
    const progress = committed.get(message);
    if (progress === undefined) return; // not ours, or handled before
    reportProgress(progress, context.logger);
    options.onCommitted?.(progress);
  };
}

import {
  byTopic,
  type IdentifiedEvent,
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
 * What a transaction routed and queued is reported once it has committed (`tx.afterCommit`: logged,
 * and `onCommitted`: main wakes the sender task for new emails). Not before: a sender woken inside the
 * transaction would look for the email before it can see it, and wait for its next tick.
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

export function notificationsHandler(
  options: NotificationsHandlerOptions,
): TransactionalHandler<IdentifiedEvent> {
  const reporting = <T extends IdentifiedEvent>(handler: ForwardingHandler<T>) =>
    transactional<T>({
      decode: handler.decode,
      apply: async (event, tx) => {
        const progress = await handler.apply(event, tx);
        tx.afterCommit(() => {
          reportProgress(progress, tx.logger);
          options.onCommitted?.(progress);
        });
      },
    });
  const { topics } = options;
  return byTopic({
    [topics.customers]: reporting(customerChanges(options)),
    [topics.orderEvents]: reporting(orderEvents(options)),
    ...(topics.payments === undefined ? {} : { [topics.payments]: reporting(paymentEvents(options)) }),
    ...(topics.shipments === undefined ? {} : { [topics.shipments]: reporting(shipmentEvents(options)) }),
  });
}

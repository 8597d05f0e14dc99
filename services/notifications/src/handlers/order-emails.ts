import type { OrderEvent } from '@microshop/contracts';
import { AppError, type Logger, type PoolClient } from '@microshop/platform';
import {
  decideEmail,
  type EmailStatus,
  emailMessageId,
  emailStatusOf,
  type GracePeriods,
} from '../domain/emails.ts';
import { eventAgeMs, unreachable } from '../domain/routing.ts';
import { contactOf } from '../store/customer-copy.ts';
import { emailQueued, queueEmail } from '../store/emails.ts';
import { factsOf } from '../store/order-facts.ts';

/**
 * The email part of handling an order event, inside the handler's transaction (a sibling of
 * routing): the email is queued in the `emails` table, committed with the inbox row, and sent later
 * by the sender loop. So a redelivered event (inbox) or a second event announcing the same status
 * (the table's key) queues nothing, and an SMTP outage never holds the consumer up.
 */

export interface EmailOptions {
  grace: GracePeriods;
  now?: () => Date;
}

export interface QueuedEmail {
  orderId: string;
  status: EmailStatus;
  messageId: string;
}

/** The email queued for this event, or null when it gets none (or already has one). */
export async function queueOrderEmail(
  client: PoolClient,
  options: EmailOptions,
  event: OrderEvent,
  eventId: string,
  logger: Logger,
): Promise<QueuedEmail | null> {
  const status = emailStatusOf(event.status);
  // Checked before anything waits: a duplicate SHIPPED must not wait for a tracking number again.
  if (status === null || (await emailQueued(client, event.orderId, status))) return null;
  const now = (options.now ?? (() => new Date()))();
  const decision = decideEmail({
    order: event.order,
    recipient: await contactOf(client, event.customerId),
    facts: await factsOf(client, event.orderId),
    ageMs: eventAgeMs(event, now),
    grace: options.grace,
  });
  const about = { orderId: event.orderId, status };
  switch (decision.kind) {
    case 'none':
      // A stale event is expected on a replay (info); a customer never known is worth a look (warn).
      if (decision.why === 'no-recipient') {
        logger.warn(about, 'no email: customer still unknown after the grace period');
      } else if (decision.why === 'stale') logger.info(about, 'no email: the order event is too old');
      return null;
    case 'wait':
      // Retriable: the consumer tries again with backoff; nothing of this transaction is kept.
      throw new AppError(
        'NOT_FOUND',
        `the ${status} email of order ${event.orderId} waits for its ${decision.awaiting} (event ${decision.ageMs} ms old)`,
        { retriable: true },
      );
    case 'send': {
      if (decision.missing !== null) {
        logger.warn(
          { ...about, missing: decision.missing },
          `email sent without its ${decision.missing}: none arrived within the grace period`,
        );
      }
      const messageId = emailMessageId(event.orderId, status);
      await queueEmail(client, {
        orderId: event.orderId,
        orderStatus: status,
        customerId: event.customerId,
        recipient: decision.to,
        subject: decision.content.subject,
        text: decision.content.text,
        messageId,
        eventId,
        createdAt: now,
      });
      return { ...about, messageId };
    }
    default:
      return unreachable(decision);
  }
}

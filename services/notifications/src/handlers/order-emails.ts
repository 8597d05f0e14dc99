import type { OrderEvent } from '@microshop/contracts';
import type { Logger, PoolClient } from '@microshop/platform';
import {
  type Awaited,
  decideEmail,
  type EmailStatus,
  emailMessageId,
  emailStatusOf,
  type GracePeriods,
  graceFor,
} from '../domain/emails.ts';
import { eventAgeMs, unreachable, waitEndsAt } from '../domain/routing.ts';
import { contactOf } from '../store/customer-copy.ts';
import { emailQueued, queueEmail } from '../store/emails.ts';
import { factsOf } from '../store/order-facts.ts';

/**
 * The email part of handling an order event, inside the handler's transaction (a sibling of
 * routing): the email is queued in the `emails` table, committed with the inbox row, and sent later
 * by the sender loop. So a redelivered event (inbox) or a second event announcing the same status
 * (the table's key) queues nothing, and an SMTP outage never holds the consumer up. While a fact the
 * email needs is missing and the event young it says "wait" and writes nothing: the caller parks the
 * event.
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

export type EmailStep =
  | { kind: 'queued'; email: QueuedEmail }
  /** The event gets no email (its status has none, it is stale, or the email was queued before). */
  | { kind: 'none' }
  | { kind: 'wait'; awaiting: Awaited; deadlineAt: Date };

/** The email queued for this event, none, or what it waits for. */
export async function queueOrderEmail(
  client: PoolClient,
  options: EmailOptions,
  event: OrderEvent,
  eventId: string,
  logger: Logger,
): Promise<EmailStep> {
  const status = emailStatusOf(event.status);
  // Checked before anything waits: a duplicate SHIPPED must not wait for a tracking number again.
  if (status === null || (await emailQueued(client, event.orderId, status))) return { kind: 'none' };
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
      return { kind: 'none' };
    case 'wait':
      return {
        kind: 'wait',
        awaiting: decision.awaiting,
        deadlineAt: waitEndsAt(event, graceFor(decision.awaiting, options.grace)),
      };
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
      return { kind: 'queued', email: { ...about, messageId } };
    }
    default:
      return unreachable(decision);
  }
}

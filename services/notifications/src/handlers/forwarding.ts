import { randomUUID } from 'node:crypto';
import type { OrderEvent, RoutedOrderEvent, TopicName } from '@microshop/contracts';
import {
  type ConsumedMessage,
  type HandlerTransaction,
  type IdentifiedEvent,
  type Logger,
  outboxMessage,
  unreachable,
  withStoredTrace,
} from '@microshop/platform';
import { type Awaited, type EmailStatus, emailStatusOf, type OrderFacts } from '../domain/emails.ts';
import {
  decide,
  type ForwardingCommand,
  type ForwardingEvent,
  type ForwardingRules,
  type ForwardingState,
} from '../domain/forwarding.ts';
import { customerOf } from '../store/customer-copy.ts';
import { queueEmail } from '../store/emails.ts';
import { emailStateOf } from '../store/order-facts.ts';
import { type FactKey, lockQueue, type ParkedEvent, unpark, updateWait } from '../store/parked-events.ts';

/**
 * Taking an order event forward, whether it has just been consumed or was parked: load what this
 * service knows, `decide` (routing, then the email), write what was decided. Waiting parks the event
 * (see README: "Parking"); its partition goes on. Everything runs inside the caller's transaction:
 * a consumer's (the kit's) or the parked-events task's.
 */

/** What taking an event forward writes through: the transaction's client, its outbox, its logger. */
export type ForwardingTransaction = Pick<HandlerTransaction, 'client' | 'publish' | 'logger'>;

export interface ForwardingOptions extends ForwardingRules {
  now?: () => Date;
  /** The routed events' ids. */
  newId?: () => string;
}

export interface QueuedEmail {
  orderId: string;
  status: EmailStatus;
  messageId: string;
}

/** What one transaction did: the events routed and the emails queued, in order. */
export interface Progress {
  routed: RoutedOrderEvent[];
  emails: QueuedEmail[];
}

export function noProgress(): Progress {
  return { routed: [], emails: [] };
}

/** A consumer's handler whose `apply` says what its transaction routed and queued (see messages.ts). */
export interface ForwardingHandler<T extends IdentifiedEvent> {
  decode(message: ConsumedMessage): T | null;
  apply(event: T, tx: HandlerTransaction): Promise<Progress>;
}

/** Logs what a committed transaction routed and queued. */
export function reportProgress(progress: Progress, logger: Logger, queuedMessage = 'email queued'): void {
  for (const routed of progress.routed) {
    logger.debug({ orderId: routed.orderId, level: routed.level, status: routed.status }, 'order routed');
  }
  for (const email of progress.emails) logger.info(email, queuedMessage);
}

export type Step =
  | { kind: 'done' }
  /** `routed`: routing is done and only the email waits. */
  | { kind: 'wait'; routed: boolean; awaiting: Awaited; deadlineAt: Date };

type Item = Pick<ParkedEvent, 'event' | 'eventId' | 'routed'>;

/**
 * Routes the event unless it was routed before, then queues its email, as far as the facts allow.
 * What it did goes into `progress`; a wait says what for and until when.
 */
export async function advance(
  tx: ForwardingTransaction,
  options: ForwardingOptions,
  item: Item,
  progress: Progress,
): Promise<Step> {
  const state = await loadState(tx, item, options.emails !== undefined);
  const now = (options.now ?? (() => new Date()))();
  const routedEventId = (options.newId ?? randomUUID)();
  const command: ForwardingCommand = { type: 'TakeForward', event: item.event, now, routedEventId };
  for (const happened of decide(command, state, options)) {
    if (happened.type === 'WaitStarted') {
      const { routed, awaiting, deadlineAt } = happened;
      return { kind: 'wait', routed, awaiting, deadlineAt };
    }
    await write(tx, { ...item, now }, happened, progress);
  }
  return { kind: 'done' };
}

/**
 * Takes the order's parked events up again, in their order, against the facts as they are now: each
 * one that no longer waits is done and leaves the parking; the first that still waits stops the queue
 * (the events behind it wait for it). Called when a fact arrives and when a wait is over.
 */
export async function takeUpOrder(
  tx: ForwardingTransaction,
  options: ForwardingOptions,
  orderId: string,
  progress: Progress,
): Promise<void> {
  for (const item of await lockQueue(tx.client, orderId)) {
    const step = await withStoredTrace(item.traceparent, 'take up parked event', () =>
      advance(tx, options, item, progress),
    );
    if (step.kind === 'wait') {
      await updateWait(tx.client, item.seq, step);
      return;
    }
    await unpark(tx.client, item.seq);
  }
}

/** The fact a wait is for: the customer, or (tracking number, refund) the order's own facts. */
export function factAwaited(event: OrderEvent, awaiting: Awaited): FactKey {
  return awaiting === 'customer' ? { customerId: event.customerId } : { orderId: event.orderId };
}

const noFacts: OrderFacts = { charged: null, refunded: null, tracking: null, approved: false };

/**
 * The customer always (routing reads its level); with an email to send, the email's state and the
 * order's facts too, read with the customer in one statement.
 */
async function loadState(tx: ForwardingTransaction, item: Item, emails: boolean): Promise<ForwardingState> {
  const { event, routed } = item;
  const status = emails ? emailStatusOf(event.status) : null;
  if (status === null) {
    const customer = await customerOf(tx.client, event.customerId);
    return { routed, customer, emailQueued: false, facts: noFacts };
  }
  const state = await emailStateOf(tx.client, {
    orderId: event.orderId,
    customerId: event.customerId,
    status,
  });
  return { routed, customer: state.customer, emailQueued: state.queued, facts: state.facts };
}

async function write(
  tx: ForwardingTransaction,
  item: Item & { now: Date },
  happened: Exclude<ForwardingEvent, { type: 'WaitStarted' }>,
  progress: Progress,
): Promise<void> {
  const { event } = item;
  switch (happened.type) {
    case 'OrderRouted': {
      const { routed } = happened;
      if (happened.fallback) {
        tx.logger.warn(
          {
            orderId: event.orderId,
            customerId: event.customerId,
            ageMs: happened.ageMs,
            level: routed.level,
          },
          'customer still unknown after the grace period; order routed with the fallback level',
        );
      }
      // Only the catalog's topics exist on the stack's broker; another prefix is a test's own.
      tx.publish(outboxMessage(routed, { topic: happened.topic as TopicName, key: routed.orderId }));
      progress.routed.push(routed);
      return;
    }
    case 'EmailQueued':
      await queueEmailOf(tx, item, happened);
      progress.emails.push({
        orderId: event.orderId,
        status: happened.status,
        messageId: happened.messageId,
      });
      return;
    case 'EmailSkipped': {
      // A customer never known is worth a look.
      const about = { orderId: event.orderId, status: happened.status, why: happened.why };
      tx.logger.warn(about, 'no email: customer still unknown after the grace period');
      return;
    }
    default:
      return unreachable(happened);
  }
}

async function queueEmailOf(
  tx: ForwardingTransaction,
  { event, eventId, now }: Item & { now: Date },
  email: Extract<ForwardingEvent, { type: 'EmailQueued' }>,
): Promise<void> {
  if (email.missing !== null) {
    tx.logger.warn(
      { orderId: event.orderId, status: email.status, missing: email.missing },
      `email sent without its ${email.missing}: none arrived within the grace period`,
    );
  }
  await queueEmail(tx.client, {
    orderId: event.orderId,
    orderStatus: email.status,
    customerId: event.customerId,
    recipient: email.to,
    subject: email.content.subject,
    text: email.content.text,
    messageId: email.messageId,
    eventId,
    createdAt: now,
  });
}

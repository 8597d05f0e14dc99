import { formatMoney, type Order, type OrderItem, type OrderStatus } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';
import { reasonsInWords } from './reasons.ts';

/**
 * The customer emails: one per notable status change of an order, joined
 * with the customer copy and with what the other topics told this service (the charge, a refund, the
 * tracking number). Pure: the event's age and the grace periods come in.
 *
 * Customers, payments and shipments travel on their own topics, so what an email needs may come after
 * the order event. The email then waits within a grace period, as routing waits for a customer: for
 * the customer (its address), for SHIPPED's tracking number, and for a paid CANCELLED order's refund.
 * After it the email goes out without the fact and says so in other words (or, without an address,
 * not at all). The waiting event is parked (see README), and decided again when the fact arrives or
 * the grace period ends.
 */

export const emailStatuses = ['APPROVED', 'SHIPPED', 'DELIVERED', 'FAILED', 'CANCELLED'] as const;
export type EmailStatus = (typeof emailStatuses)[number];

export interface Recipient {
  name: string;
  email: string;
}

export interface Money {
  amount: number;
  currency: string;
}

export interface Tracking {
  trackingNumber: string;
  carrier: string;
}

/** What this service knows about an order from its other topics. */
export interface OrderFacts {
  /** From PaymentSucceeded. */
  charged: Money | null;
  /** The sum of the PaymentRefunded seen (in the charge's currency). */
  refunded: Money | null;
  /** From ShipmentDispatched. */
  tracking: Tracking | null;
  /** An APPROVED email was queued: the order was paid even if its PaymentSucceeded is not here yet. */
  approved: boolean;
}

export interface EmailContent {
  subject: string;
  text: string;
}

export type Awaited = 'customer' | 'tracking' | 'refund';

export type EmailDecision =
  /**
   * No email: `not-notable` (CREATED, VALIDATED), `no-recipient` (the customer is still unknown
   * after the grace period). An event of any age gets its email: a late replay still sends what it
   * owes (the (order, status) key keeps it to one).
   */
  | { kind: 'none'; why: 'not-notable' | 'no-recipient' }
  /** Something the email needs is not here yet and the event is young: wait for it. */
  | { kind: 'wait'; awaiting: Awaited; ageMs: number }
  /** `missing`: sent without a fact it waited for in vain (the caller logs a warning). */
  | { kind: 'send'; status: EmailStatus; to: string; content: EmailContent; missing: Awaited | null };

export interface GracePeriods {
  /** How long an order event waits for its customer (shared with routing). */
  customerMs: number;
  trackingMs: number;
  refundMs: number;
}

/** How long an email waits for `awaiting`, from the order event's `occurredAt`. */
export function graceFor(awaiting: Awaited, grace: GracePeriods): number {
  switch (awaiting) {
    case 'customer':
      return grace.customerMs;
    case 'tracking':
      return grace.trackingMs;
    case 'refund':
      return grace.refundMs;
    default:
      return unreachable(awaiting);
  }
}

export interface EmailInput {
  order: Order;
  recipient: Recipient | null;
  facts: OrderFacts;
  /** How old the order event is (by its occurredAt). */
  ageMs: number;
  grace: GracePeriods;
}

/** The status's email, or null for a status that has none. */
export function emailStatusOf(status: OrderStatus): EmailStatus | null {
  switch (status) {
    case 'CREATED':
    case 'VALIDATED':
      return null;
    case 'APPROVED':
    case 'SHIPPED':
    case 'DELIVERED':
    case 'FAILED':
    case 'CANCELLED':
      return status;
    default:
      return unreachable(status);
  }
}

export function decideEmail(input: EmailInput): EmailDecision {
  const status = emailStatusOf(input.order.status);
  if (status === null) return { kind: 'none', why: 'not-notable' };
  const recipient = input.recipient;
  if (recipient === null) {
    if (input.ageMs < input.grace.customerMs)
      return { kind: 'wait', awaiting: 'customer', ageMs: input.ageMs };
    return { kind: 'none', why: 'no-recipient' };
  }
  return decideContent(status, { ...input, recipient });
}

function decideContent(
  status: EmailStatus,
  { order, recipient, facts, ageMs, grace }: EmailInput & { recipient: Recipient },
): EmailDecision {
  switch (status) {
    case 'APPROVED':
      return send(status, recipient, approvedEmail(order, recipient, facts.charged), null);
    case 'SHIPPED':
      if (facts.tracking !== null)
        return send(status, recipient, shippedEmail(order, recipient, facts.tracking), null);
      if (ageMs < grace.trackingMs) return { kind: 'wait', awaiting: 'tracking', ageMs };
      return send(status, recipient, shippedEmail(order, recipient, null), 'tracking');
    case 'DELIVERED':
      return send(status, recipient, deliveredEmail(order, recipient), null);
    case 'FAILED':
      return send(status, recipient, failedEmail(order, recipient), null);
    case 'CANCELLED': {
      if (facts.refunded !== null)
        return send(status, recipient, cancelledEmail(order, recipient, facts.refunded), null);
      // Only a paid order gets a refund worth waiting for; an unpaid one would only hold the email back.
      const paid = facts.charged !== null || facts.approved;
      if (paid && ageMs < grace.refundMs) return { kind: 'wait', awaiting: 'refund', ageMs };
      return send(status, recipient, cancelledEmail(order, recipient, null), paid ? 'refund' : null);
    }
    default:
      return unreachable(status);
  }
}

function send(
  status: EmailStatus,
  recipient: Recipient,
  content: EmailContent,
  missing: Awaited | null,
): EmailDecision {
  return { kind: 'send', status, to: recipient.email, content, missing };
}

/** The same for every send of one email: receivers can drop a copy sent again after a crash. */
export function emailMessageId(orderId: string, status: EmailStatus): string {
  return `<${orderId}.${status}@microshop>`;
}

// ---- The emails ---------------------------------------------------------------------------------

export function approvedEmail(order: Order, recipient: Recipient, charged: Money | null): EmailContent {
  const amount = charged ?? { amount: order.total, currency: order.currency };
  return {
    subject: 'Your order is confirmed',
    text: letter(recipient, [
      `your order ${order.id} is confirmed. We have charged ${formatMoney(amount.amount, amount.currency)}.`,
      itemsBlock(order),
      'We will email you again when it ships.',
    ]),
  };
}

export function shippedEmail(order: Order, recipient: Recipient, tracking: Tracking | null): EmailContent {
  const where =
    tracking === null
      ? 'Its tracking number was not available yet when we wrote this email.'
      : `Carrier: ${tracking.carrier}\nTracking number: ${tracking.trackingNumber}`;
  return {
    subject: 'Your order is on its way',
    text: letter(recipient, [`your order ${order.id} has shipped.`, where, itemsBlock(order)]),
  };
}

export function deliveredEmail(order: Order, recipient: Recipient): EmailContent {
  return {
    subject: 'Your order has been delivered',
    text: letter(recipient, [`your order ${order.id} has been delivered. We hope you enjoy it.`]),
  };
}

export function failedEmail(order: Order, recipient: Recipient): EmailContent {
  const why = reasonsInWords(order.reasons).map((sentence) => `- ${sentence}`);
  return {
    subject: 'We could not complete your order',
    text: letter(recipient, [
      `we are sorry: we could not complete your order ${order.id}.`,
      why.join('\n'),
      'If any payment was taken for it, it will be refunded to your original payment method.',
    ]),
  };
}

export function cancelledEmail(order: Order, recipient: Recipient, refunded: Money | null): EmailContent {
  const refund =
    refunded === null
      ? 'Any payment captured for it will be refunded to your original payment method.'
      : `We have refunded ${formatMoney(refunded.amount, refunded.currency)} to your original payment method.`;
  return {
    subject: 'Your order has been cancelled',
    text: letter(recipient, [`your order ${order.id} has been cancelled.`, refund]),
  };
}

function letter(recipient: Recipient, paragraphs: readonly string[]): string {
  const greeting = recipient.name.trim() === '' ? 'Hello,' : `Hello ${recipient.name.trim()},`;
  return [greeting, ...paragraphs, 'microshop'].join('\n\n');
}

/** One line per item, then the total. Line amounts as bigint: quantity × unit price can pass 2^53. */
function itemsBlock(order: Order): string {
  const line = (item: OrderItem) =>
    `  ${item.quantity} × ${item.sku}  ${formatMoney(BigInt(item.quantity) * BigInt(item.unitPrice), order.currency)}`;
  return [...order.items.map(line), `  Total: ${formatMoney(order.total, order.currency)}`].join('\n');
}

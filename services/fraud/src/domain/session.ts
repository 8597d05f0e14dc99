import { formatAmount, type Order } from '@microshop/contracts';
import { addSaturating } from './money.ts';

/**
 * The fraud rule: per customer and currency, the value of the orders in one session
 * window. A session is a run of orders with no pause longer than `gapMs` between one order and the
 * next (by `order.createdAt`); an order more than `gapMs` after the session's last order opens a new
 * session. The order whose session total reaches `limit` fails, and so does every later order of that
 * session: every order counts toward the session, failed or not.
 */

export interface Session {
  customerId: string;
  currency: string;
  /** `createdAt` of the order that opened the session: its identity, it never moves. */
  startedAt: Date;
  /** The latest `createdAt` among the session's orders: the gap is measured from here. */
  lastOrderAt: Date;
  /** Σ order totals in minor units (saturating at 2^53 − 1). */
  total: number;
  orderCount: number;
}

export interface SessionRules {
  /** Inactivity gap in milliseconds. */
  gapMs: number;
  /** Session total, in minor units of the order's currency, at which an order fails. */
  limit: number;
}

export type SessionOrder = Pick<Order, 'customerId' | 'currency' | 'total' | 'createdAt'>;

export type FraudVerdict = { result: 'PASS' } | { result: 'FAIL'; reason: string };

/** What the fraud service can be asked to do: count an order into its customer's session and judge it. */
export type FraudCommand = { type: 'CountOrder'; order: SessionOrder };

/** What happened: the order was counted (into the session it joined, or one it opened) and judged. */
export type FraudEvent = {
  type: 'OrderCounted';
  order: SessionOrder;
  opened: boolean;
  verdict: FraudVerdict;
};

/**
 * Counts the command's order into `session` (the customer's latest session in the order's currency,
 * or null if there is none) and judges it. Pure: the caller loads the session and stores `evolve`'s.
 *
 * An order that arrives late (its `createdAt` before the session's last order) joins the latest
 * session: we keep one open session per customer and currency, and counting it there errs on the
 * side of caution.
 */
export function decide(command: FraudCommand, session: Session | null, rules: SessionRules): FraudEvent[] {
  const { order } = command;
  if (session !== null) assertSameKey(session, order);
  const at = new Date(order.createdAt).getTime();
  const opened = session === null || at - session.lastOrderAt.getTime() > rules.gapMs;
  const counted = evolve(session, { type: 'OrderCounted', order, opened, verdict: { result: 'PASS' } });
  return [{ type: 'OrderCounted', order, opened, verdict: judge(counted, rules) }];
}

/** The session after `event`: the one the order joined, or the one it opened. */
export function evolve(session: Session | null, event: FraudEvent): Session {
  const { order } = event;
  const at = new Date(order.createdAt);
  if (session === null || event.opened) {
    return {
      customerId: order.customerId,
      currency: order.currency,
      startedAt: at,
      lastOrderAt: at,
      total: order.total,
      orderCount: 1,
    };
  }
  return {
    ...session,
    lastOrderAt: at > session.lastOrderAt ? at : session.lastOrderAt,
    total: addSaturating(session.total, order.total),
    orderCount: session.orderCount + 1,
  };
}

/** FAIL as soon as the total *reaches* the limit: exactly 2000.00 already fails. */
export function judge(session: Session, rules: SessionRules): FraudVerdict {
  if (session.total < rules.limit) return { result: 'PASS' };
  return { result: 'FAIL', reason: limitReason(session.total, rules.limit, session.currency) };
}

/** e.g. "order value in session reaches 2000.00 EUR (limit 2000.00)". */
export function limitReason(total: number, limit: number, currency: string): string {
  return `order value in session reaches ${formatAmount(total, currency)} ${currency} (limit ${formatAmount(limit, currency)})`;
}

/** A session of another customer or currency here is a bug in the caller, not a business case. */
function assertSameKey(session: Session, order: SessionOrder): void {
  if (session.customerId !== order.customerId || session.currency !== order.currency) {
    throw new Error(
      `session of ${session.customerId}/${session.currency} given for an order of ${order.customerId}/${order.currency}`,
    );
  }
}

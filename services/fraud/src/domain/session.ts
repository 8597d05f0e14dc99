import { formatAmount, type Order } from '@microshop/contracts';
import { addSaturating } from './money.ts';

/**
 * The fraud rule of seed 001: per customer and currency, the value of the orders in one session
 * window. A session is a run of orders with no pause longer than `gapMs` between one order and the
 * next (by `order.createdAt`); an order more than `gapMs` after the session's last order opens a new
 * session. The order whose session total reaches `limit` fails, and so does every later order of that
 * session: every order counts toward the session, failed or not, as in the seed.
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

export interface SessionOutcome {
  /** The session after this order: the one it joined, or a new one it opened. */
  session: Session;
  verdict: FraudVerdict;
  /** True when the order opened a new session (the first ever, or after a gap). */
  opened: boolean;
}

/**
 * Counts `order` into `session` (the customer's latest session in the order's currency, or null if
 * there is none) and judges it. Pure: the caller loads and stores the session.
 *
 * An order that arrives late (its `createdAt` before the session's last order) joins the latest
 * session: we keep one open session per customer and currency, and counting it there errs on the
 * side of caution.
 */
export function applyOrderToSession(
  session: Session | null,
  order: SessionOrder,
  rules: SessionRules,
): SessionOutcome {
  if (session !== null) assertSameKey(session, order);
  const at = new Date(order.createdAt);
  const opened = session === null || at.getTime() - session.lastOrderAt.getTime() > rules.gapMs;
  const next: Session =
    session === null || opened
      ? {
          customerId: order.customerId,
          currency: order.currency,
          startedAt: at,
          lastOrderAt: at,
          total: order.total,
          orderCount: 1,
        }
      : {
          ...session,
          lastOrderAt: at > session.lastOrderAt ? at : session.lastOrderAt,
          total: addSaturating(session.total, order.total),
          orderCount: session.orderCount + 1,
        };
  return { session: next, verdict: judge(next, rules), opened };
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

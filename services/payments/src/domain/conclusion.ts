import type { Order, OrderEvent, PaymentEvent } from '@microshop/contracts';
import {
  type CallResult,
  type ChargeOutcome,
  type ChargeRecord,
  capturedCharge,
  type OrderEnd,
  type PaymentState,
  type RefundRecord,
  resultOf,
} from './payment.ts';
import { unreachable } from './unreachable.ts';

/**
 * What to record once every provider call an event needed is made: the state changes and the
 * events to publish, all in the one transaction with the event's inbox row. Pure: ids and the
 * time come in as a `Stamper`.
 */

export interface Stamper {
  newId: () => string;
  at: Date;
}

export interface Conclusion {
  /** The payment token to remember (only from the first OrderCreated). */
  token: string | null;
  /** The end to remember, the first time the order is seen cancelled or failed. */
  end: OrderEnd | null;
  charge: ChargeRecord | null;
  refund: RefundRecord | null;
  events: PaymentEvent[];
}

const nothing: Conclusion = { token: null, end: null, charge: null, refund: null, events: [] };

export const paymentsSource = 'payments';

/** The reason a PaymentFailed gives, in words the order's `reasons` show to a person. */
export function failureReason(outcome: Exclude<ChargeOutcome, { status: 'succeeded' }>): string {
  switch (outcome.status) {
    case 'declined':
      return `card declined: ${outcome.message}`;
    case 'rejected':
      return `payment rejected: ${outcome.message}`;
    default:
      return unreachable(outcome);
  }
}

export const noPaymentMethodReason = 'payment failed: no payment method on record for the order';

export function conclude(
  event: OrderEvent,
  state: PaymentState,
  results: readonly CallResult[],
  stamp: Stamper,
): Conclusion {
  switch (event.type) {
    case 'OrderCreated':
      return state.token === null ? { ...nothing, token: event.payment.token } : nothing;
    case 'OrderValidated':
      return concludeValidated(event.order, state, results, stamp);
    case 'OrderCancelled':
    case 'OrderFailed':
      return concludeEnded(event.orderId, event.status, state, results, stamp);
    case 'OrderApproved':
    case 'OrderShipped':
    case 'OrderDelivered':
      return nothing;
    default:
      return unreachable(event);
  }
}

function concludeValidated(
  order: Order,
  state: PaymentState,
  results: readonly CallResult[],
  stamp: Stamper,
): Conclusion {
  if (state.charge !== null) return nothing;
  const charged = resultOf(results, 'charge');
  if (charged === undefined) {
    if (state.ended !== null || state.token !== null) return nothing;
    const charge = failedCharge(order, noPaymentMethodReason);
    return { ...nothing, charge, events: [paymentFailed(order.id, noPaymentMethodReason, stamp)] };
  }
  const { outcome } = charged;
  if (outcome.status !== 'succeeded') {
    const reason = failureReason(outcome);
    return {
      ...nothing,
      charge: failedCharge(order, reason),
      events: [paymentFailed(order.id, reason, stamp)],
    };
  }
  const charge: ChargeRecord = { outcome: 'SUCCEEDED', reason: null, ...amountOf(outcome) };
  const succeeded = paymentSucceeded(order.id, outcome, stamp);
  const refunded = resultOf(results, 'refund');
  if (refunded === undefined || state.ended === null) return { ...nothing, charge, events: [succeeded] };
  // Charged after the order ended: the charge and its refund are recorded and published together.
  const refund = refundRecord(refunded, state.ended);
  return { ...nothing, charge, refund, events: [succeeded, paymentRefunded(order.id, refund, stamp)] };
}

function concludeEnded(
  orderId: string,
  status: OrderEnd,
  state: PaymentState,
  results: readonly CallResult[],
  stamp: Stamper,
): Conclusion {
  const end = state.ended ?? status;
  const firstEnd = state.ended === null ? end : null;
  const refunded = resultOf(results, 'refund');
  if (refunded === undefined || state.refund !== null) return { ...nothing, end: firstEnd };
  const refund = refundRecord(refunded, end);
  // A charge found at the provider (its handler gave up before recording it) is recorded now.
  const found = state.charge === null ? capturedCharge(state, results) : null;
  const charge: ChargeRecord | null =
    found === null ? null : { outcome: 'SUCCEEDED', reason: null, ...amountOf(found) };
  return { ...nothing, end: firstEnd, charge, refund, events: [paymentRefunded(orderId, refund, stamp)] };
}

function amountOf(charge: { paymentId: string; amount: number; currency: string }) {
  return { paymentId: charge.paymentId, amount: charge.amount, currency: charge.currency };
}

function failedCharge(order: Order, reason: string): ChargeRecord {
  return { outcome: 'FAILED', paymentId: null, amount: order.total, currency: order.currency, reason };
}

function refundRecord(result: Extract<CallResult, { kind: 'refund' }>, reason: OrderEnd): RefundRecord {
  const { refundId, paymentId, amount, currency } = result;
  return { refundId, paymentId, amount, currency, reason };
}

function envelope(stamp: Stamper) {
  return { id: stamp.newId(), occurredAt: stamp.at.toISOString(), source: paymentsSource };
}

function paymentSucceeded(
  orderId: string,
  charge: { paymentId: string; amount: number; currency: string },
  stamp: Stamper,
): PaymentEvent {
  return { ...envelope(stamp), type: 'PaymentSucceeded', orderId, ...amountOf(charge) };
}

function paymentFailed(orderId: string, reason: string, stamp: Stamper): PaymentEvent {
  return { ...envelope(stamp), type: 'PaymentFailed', orderId, reason };
}

function paymentRefunded(orderId: string, refund: RefundRecord, stamp: Stamper): PaymentEvent {
  return { ...envelope(stamp), type: 'PaymentRefunded', source: paymentsSource, orderId, ...refund };
}

import type { Order, OrderEvent } from '@microshop/contracts';
import { unreachable } from './unreachable.ts';

/**
 * What payments knows of one order, and which call to the payment provider an order event asks
 * for next. Pure: the handler reads the state, makes the calls this names (outside any database
 * transaction), then re-reads the state under the order's lock and asks again. Only when nothing
 * is left to call does it record the outcome (see conclusion.ts), so a cancellation that arrives
 * while a charge is in progress is noticed and the charge refunded at once.
 */

/** The statuses that end an order before it is fulfilled: captured money goes back. */
export type OrderEnd = 'CANCELLED' | 'FAILED';

export interface ChargeRecord {
  outcome: 'SUCCEEDED' | 'FAILED';
  /** The provider's charge id; null for a charge that failed. */
  paymentId: string | null;
  amount: number;
  currency: string;
  /** Why it failed, in words; null when it succeeded. */
  reason: string | null;
}

export interface RefundRecord {
  refundId: string;
  paymentId: string;
  amount: number;
  currency: string;
  /** The order status that asked for the refund. */
  reason: OrderEnd;
}

export interface PaymentState {
  /** From OrderCreated, the only event carrying it; null if that event was never seen. */
  token: string | null;
  ended: OrderEnd | null;
  /** A charge request was sent at least once: the provider may hold a charge not recorded here. */
  chargeAttempted: boolean;
  charge: ChargeRecord | null;
  refund: RefundRecord | null;
}

export const emptyState: PaymentState = {
  token: null,
  ended: null,
  chargeAttempted: false,
  charge: null,
  refund: null,
};

/** One key per order and operation: every retry, redelivery and restart sends the same one. */
export const chargeKey = (orderId: string): string => `order-${orderId}`;
export const refundKey = (orderId: string): string => `refund-${orderId}`;

export type ProviderCall =
  | {
      kind: 'charge';
      idempotencyKey: string;
      orderId: string;
      amount: number;
      currency: string;
      token: string;
    }
  | { kind: 'refund'; idempotencyKey: string; orderId: string; paymentId: string; amount: number }
  /** Asks the provider for a charge an interrupted attempt may have made (nothing recorded here). */
  | { kind: 'find-charge'; orderId: string };

/** A charge the provider holds. */
export interface ProviderCharge {
  paymentId: string;
  amount: number;
  currency: string;
}

export type ChargeOutcome =
  | ({ status: 'succeeded' } & ProviderCharge)
  | { status: 'declined'; message: string }
  /** Refused for another reason than the card (a 4xx other than a decline). */
  | { status: 'rejected'; message: string };

export type CallResult =
  | { kind: 'charge'; outcome: ChargeOutcome }
  | { kind: 'refund'; refundId: string; paymentId: string; amount: number; currency: string }
  | { kind: 'find-charge'; found: ProviderCharge | null };

/** The next provider call `event` needs, given the state and the calls already made; null: none. */
export function nextCall(
  event: OrderEvent,
  state: PaymentState,
  results: readonly CallResult[],
): ProviderCall | null {
  switch (event.type) {
    case 'OrderValidated':
      return nextForValidated(event.order, state, results);
    case 'OrderCancelled':
    case 'OrderFailed':
      return nextForEnded(event.orderId, state, results);
    case 'OrderCreated':
    case 'OrderApproved':
    case 'OrderShipped':
    case 'OrderDelivered':
      return null;
    default:
      return unreachable(event);
  }
}

function nextForValidated(
  order: Order,
  state: PaymentState,
  results: readonly CallResult[],
): ProviderCall | null {
  // Recorded already: a copy of the event, or another instance got there first.
  if (state.charge !== null) return null;
  const charged = resultOf(results, 'charge');
  if (charged !== undefined) {
    const { outcome } = charged;
    // The order ended while the provider was charging: give the money back before recording.
    if (outcome.status === 'succeeded' && state.ended !== null && resultOf(results, 'refund') === undefined) {
      return refundCall(order.id, outcome);
    }
    return null;
  }
  // Never charge an order already cancelled or failed, nor one without a payment method.
  if (state.ended !== null || state.token === null) return null;
  return {
    kind: 'charge',
    idempotencyKey: chargeKey(order.id),
    orderId: order.id,
    amount: order.total,
    currency: order.currency,
    token: state.token,
  };
}

function nextForEnded(
  orderId: string,
  state: PaymentState,
  results: readonly CallResult[],
): ProviderCall | null {
  if (state.refund !== null || resultOf(results, 'refund') !== undefined) return null;
  const captured = capturedCharge(state, results);
  if (captured !== null) return refundCall(orderId, captured);
  // A charge was sent but never recorded (its handler gave up): the provider may have made it.
  if (state.charge === null && state.chargeAttempted && resultOf(results, 'find-charge') === undefined) {
    return { kind: 'find-charge', orderId };
  }
  return null;
}

/** The money the order has at the provider: a recorded charge, else one the provider reported. */
export function capturedCharge(state: PaymentState, results: readonly CallResult[]): ProviderCharge | null {
  const { charge } = state;
  if (charge !== null) {
    if (charge.outcome !== 'SUCCEEDED' || charge.paymentId === null) return null;
    return { paymentId: charge.paymentId, amount: charge.amount, currency: charge.currency };
  }
  return resultOf(results, 'find-charge')?.found ?? null;
}

function refundCall(orderId: string, charge: ProviderCharge): ProviderCall {
  return {
    kind: 'refund',
    idempotencyKey: refundKey(orderId),
    orderId,
    paymentId: charge.paymentId,
    amount: charge.amount,
  };
}

export function resultOf<K extends CallResult['kind']>(
  results: readonly CallResult[],
  kind: K,
): Extract<CallResult, { kind: K }> | undefined {
  return results.find((result): result is Extract<CallResult, { kind: K }> => result.kind === kind);
}

export type PaymentStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REFUNDED';

/** One word for an order's payment, as GET /api/v1/payments/{orderId} shows it. */
export function paymentStatus(state: {
  charge: Pick<ChargeRecord, 'outcome'> | null;
  refund: object | null;
}): PaymentStatus {
  if (state.refund !== null) return 'REFUNDED';
  if (state.charge === null) return 'PENDING';
  return state.charge.outcome;
}

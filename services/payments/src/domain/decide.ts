import type { Order, OrderEvent, PaymentEvent } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';
import {
  amountOf,
  type ChargeRefusal,
  failureReason,
  noPaymentMethodReason,
  type ProviderCharge,
  paymentFailed,
  paymentRefunded,
  paymentSucceeded,
  type Stamper,
} from './events.ts';
import {
  type ChargeRecord,
  chargeKey,
  type OrderEnd,
  type PaymentFact,
  type PaymentState,
  type RefundRecord,
  refundKey,
} from './payment.ts';

/**
 * What an order event asks of payments. `decide` answers with the next provider call it needs, or,
 * once every call is made, the facts to record and the events to publish. The handler makes the
 * calls outside any database transaction, then re-reads the state under the order's lock and asks
 * again: only when nothing is left to call does it record, so a cancellation that arrives while a
 * charge is in progress is noticed and the charge refunded at once. Pure.
 */

export type ProviderCall =
  | {
      kind: 'charge';
      idempotencyKey: string;
      orderId: string;
      amount: number;
      currency: string;
      /** The payment method: the handler looks its token up just before the provider call. */
      reference: string;
    }
  | { kind: 'refund'; idempotencyKey: string; orderId: string; paymentId: string; amount: number }
  /** Asks the provider for a charge an interrupted attempt may have made (nothing recorded here). */
  | { kind: 'find-charge'; orderId: string };

export type ChargeOutcome = ({ status: 'succeeded' } & ProviderCharge) | ChargeRefusal;

export type CallResult =
  | { kind: 'charge'; outcome: ChargeOutcome }
  | { kind: 'refund'; refundId: string; paymentId: string; amount: number; currency: string }
  | { kind: 'find-charge'; found: ProviderCharge | null };

/** Act on an order event, given the provider calls already made for it. */
export interface PaymentCommand {
  type: 'ActOnOrderEvent';
  event: OrderEvent;
  results: readonly CallResult[];
}

export type Decision =
  | { kind: 'call'; call: ProviderCall }
  | { kind: 'record'; facts: PaymentFact[]; events: PaymentEvent[] };

const nothing = { facts: [], events: [] };

export function decide(command: PaymentCommand, state: PaymentState, stamp: Stamper): Decision {
  const { event, results } = command;
  const call = nextCall(event, state, results);
  return call === null ? { kind: 'record', ...record(event, state, results, stamp) } : { kind: 'call', call };
}

function nextCall(
  event: OrderEvent,
  state: PaymentState,
  results: readonly CallResult[],
): ProviderCall | null {
  switch (event.type) {
    case 'OrderValidated':
      return callForValidated(event.order, state, results);
    case 'OrderCancelled':
    case 'OrderFailed':
      return callForEnded(event.orderId, state, results);
    case 'OrderCreated':
    case 'OrderApproved':
    case 'OrderShipped':
    case 'OrderDelivered':
      return null;
    default:
      return unreachable(event);
  }
}

function callForValidated(
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
  if (state.ended !== null || state.reference === null) return null;
  return {
    kind: 'charge',
    idempotencyKey: chargeKey(order.id),
    orderId: order.id,
    amount: order.total,
    currency: order.currency,
    reference: state.reference,
  };
}

function callForEnded(
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
function capturedCharge(state: PaymentState, results: readonly CallResult[]): ProviderCharge | null {
  const { charge } = state;
  if (charge !== null) {
    if (charge.outcome !== 'SUCCEEDED' || charge.paymentId === null) return null;
    return { paymentId: charge.paymentId, amount: charge.amount, currency: charge.currency };
  }
  return resultOf(results, 'find-charge')?.found ?? null;
}

function refundCall(orderId: string, charge: ProviderCharge): ProviderCall {
  const { paymentId, amount } = charge;
  return { kind: 'refund', idempotencyKey: refundKey(orderId), orderId, paymentId, amount };
}

function resultOf<K extends CallResult['kind']>(
  results: readonly CallResult[],
  kind: K,
): Extract<CallResult, { kind: K }> | undefined {
  return results.find((result): result is Extract<CallResult, { kind: K }> => result.kind === kind);
}

type Recorded = Omit<Extract<Decision, { kind: 'record' }>, 'kind'>;

/** Every call is made: what to record and publish. */
function record(
  event: OrderEvent,
  state: PaymentState,
  results: readonly CallResult[],
  stamp: Stamper,
): Recorded {
  switch (event.type) {
    case 'OrderCreated': {
      const { reference } = event.payment;
      return state.reference === null && reference !== undefined
        ? { facts: [{ type: 'PaymentMethodRemembered', reference }], events: [] }
        : nothing;
    }
    case 'OrderValidated':
      return recordValidated(event.order, state, results, stamp);
    case 'OrderCancelled':
    case 'OrderFailed':
      return recordEnded(event.orderId, event.status, state, results, stamp);
    case 'OrderApproved':
    case 'OrderShipped':
    case 'OrderDelivered':
      return nothing;
    default:
      return unreachable(event);
  }
}

function recordValidated(
  order: Order,
  state: PaymentState,
  results: readonly CallResult[],
  stamp: Stamper,
): Recorded {
  if (state.charge !== null) return nothing;
  const charged = resultOf(results, 'charge');
  if (charged === undefined) {
    if (state.ended !== null || state.reference !== null) return nothing;
    return failed(order, noPaymentMethodReason, stamp);
  }
  const { outcome } = charged;
  if (outcome.status !== 'succeeded') return failed(order, failureReason(outcome), stamp);
  const charge: ChargeRecord = { outcome: 'SUCCEEDED', reason: null, ...amountOf(outcome) };
  const succeeded = paymentSucceeded(order.id, outcome, stamp);
  const refunded = resultOf(results, 'refund');
  if (refunded === undefined || state.ended === null) {
    return { facts: [{ type: 'ChargeRecorded', charge }], events: [succeeded] };
  }
  // Charged after the order ended: the charge and its refund are recorded and published together.
  const refund = refundRecord(refunded, state.ended);
  return {
    facts: [
      { type: 'ChargeRecorded', charge },
      { type: 'RefundRecorded', refund },
    ],
    events: [succeeded, paymentRefunded(order.id, refund, stamp)],
  };
}

function recordEnded(
  orderId: string,
  status: OrderEnd,
  state: PaymentState,
  results: readonly CallResult[],
  stamp: Stamper,
): Recorded {
  const end = state.ended ?? status;
  const ended: PaymentFact[] = state.ended === null ? [{ type: 'OrderEnded', end }] : [];
  const refunded = resultOf(results, 'refund');
  if (refunded === undefined || state.refund !== null) return { facts: ended, events: [] };
  const refund = refundRecord(refunded, end);
  // A charge found at the provider (its handler gave up before recording it) is recorded now.
  const found = state.charge === null ? capturedCharge(state, results) : null;
  const charge: PaymentFact[] =
    found === null
      ? []
      : [{ type: 'ChargeRecorded', charge: { outcome: 'SUCCEEDED', reason: null, ...amountOf(found) } }];
  return {
    facts: [...ended, ...charge, { type: 'RefundRecorded', refund }],
    events: [paymentRefunded(orderId, refund, stamp)],
  };
}

function failed(order: Order, reason: string, stamp: Stamper): Recorded {
  const charge: ChargeRecord = {
    outcome: 'FAILED',
    paymentId: null,
    amount: order.total,
    currency: order.currency,
    reason,
  };
  return { facts: [{ type: 'ChargeRecorded', charge }], events: [paymentFailed(order.id, reason, stamp)] };
}

function refundRecord(result: Extract<CallResult, { kind: 'refund' }>, reason: OrderEnd): RefundRecord {
  const { refundId, paymentId, amount, currency } = result;
  return { refundId, paymentId, amount, currency, reason };
}

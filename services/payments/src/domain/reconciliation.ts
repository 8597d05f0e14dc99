import type { PaymentEvent } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';
import type { CallResult, ProviderCall } from './decide.ts';
import {
  amountOf,
  type ChargeRefusal,
  type ProviderCharge,
  paymentRefunded,
  paymentSucceeded,
  type Stamper,
} from './events.ts';
import { type PaymentFact, type PaymentState, type RefundRecord, refundKey } from './payment.ts';

/**
 * Reconciliation against the provider's ledger: what payments does about an order whose charge it
 * does not know the outcome of (it gave up, or crashed mid-call), or that ended without a capture
 * recorded, once the provider said what became of the order's charge key. Pure.
 *
 *   captured, order ended (FAILED/CANCELLED)   → an orphan: refund it; record the charge and the refund
 *   captured, order still waiting              → record the capture, publish PaymentSucceeded
 *   nothing captured, order ended              → settled (once the last charge request is old enough
 *                                                that no held request can still land)
 *   nothing captured yet, order still waiting  → ask again later (the consumer is still at it, or the
 *                                                order's deadline will end it)
 * A recorded capture of an ended order that was never refunded is refunded too.
 */

/** What the provider says became of the order's charge request (looked up by its key). */
export type KeyLookup =
  | { kind: 'captured'; charge: ProviderCharge }
  /** A final refusal (a decline): nothing was captured, and nothing will be with that key. */
  | { kind: 'refused'; refusal: ChargeRefusal }
  /** No request with the key reached the provider's ledger. */
  | { kind: 'none' }
  /** A request is still running, or its last attempt met an outage: ask again later. */
  | { kind: 'pending' };

export interface Reconcile {
  type: 'Reconcile';
  orderId: string;
  lookup: KeyLookup;
  /** The refund made meanwhile, once one was asked for. */
  refund: Extract<CallResult, { kind: 'refund' }> | null;
  /** How old the last charge request is (null: none was ever sent). */
  sinceLastChargeMs: number | null;
  /** How old it must be before "nothing there" is final: longer than a provider may hold a request. */
  settleMs: number;
}

export type ReconcileOutcome =
  | 'orphan-refunded'
  | 'capture-recorded'
  | 'nothing-charged'
  | 'already-known'
  | 'ask-again';

export type ReconcileDecision =
  | { kind: 'call'; call: Extract<ProviderCall, { kind: 'refund' }> }
  | {
      kind: 'record';
      outcome: ReconcileOutcome;
      facts: PaymentFact[];
      events: PaymentEvent[];
      settled: boolean;
    };

export function reconcile(command: Reconcile, state: PaymentState, stamp: Stamper): ReconcileDecision {
  const captured =
    capturedRecorded(state) ?? (command.lookup.kind === 'captured' ? command.lookup.charge : null);
  if (captured !== null && state.ended !== null && state.refund === null) {
    if (command.refund === null) return { kind: 'call', call: refundCall(command.orderId, captured) };
    return orphanRefunded(command.orderId, state, captured, refundRecord(command.refund, state.ended), stamp);
  }
  if (state.charge !== null) return record('already-known', true);
  if (command.lookup.kind === 'captured') {
    const charge = command.lookup.charge;
    const facts: PaymentFact[] = [
      { type: 'ChargeRecorded', charge: { outcome: 'SUCCEEDED', reason: null, ...amountOf(charge) } },
    ];
    return record('capture-recorded', true, facts, [paymentSucceeded(command.orderId, charge, stamp)]);
  }
  return nothingCaptured(command, state);
}

/** Nothing captured (or not yet known): final only for an ended order, and only once no request can still land. */
function nothingCaptured(command: Reconcile, state: PaymentState): ReconcileDecision {
  const { lookup } = command;
  switch (lookup.kind) {
    case 'pending':
      return record('ask-again', false);
    case 'refused':
      return state.ended === null ? record('ask-again', false) : record('nothing-charged', true);
    case 'none': {
      const quiet = (command.sinceLastChargeMs ?? Number.POSITIVE_INFINITY) >= command.settleMs;
      return state.ended !== null && quiet ? record('nothing-charged', true) : record('ask-again', false);
    }
    case 'captured':
      throw new Error('a capture is recorded before it gets here');
    default:
      return unreachable(lookup);
  }
}

function capturedRecorded(state: PaymentState): ProviderCharge | null {
  const { charge } = state;
  if (charge === null || charge.outcome !== 'SUCCEEDED' || charge.paymentId === null) return null;
  return { paymentId: charge.paymentId, amount: charge.amount, currency: charge.currency };
}

function refundCall(orderId: string, charge: ProviderCharge): Extract<ProviderCall, { kind: 'refund' }> {
  return {
    kind: 'refund',
    idempotencyKey: refundKey(orderId),
    orderId,
    paymentId: charge.paymentId,
    amount: charge.amount,
  };
}

function refundRecord(
  result: Extract<CallResult, { kind: 'refund' }>,
  reason: RefundRecord['reason'],
): RefundRecord {
  const { refundId, paymentId, amount, currency } = result;
  return { refundId, paymentId, amount, currency, reason };
}

/** The charge (if payments never recorded it) and its refund, recorded together; PaymentRefunded published. */
function orphanRefunded(
  orderId: string,
  state: PaymentState,
  captured: ProviderCharge,
  refund: RefundRecord,
  stamp: Stamper,
): ReconcileDecision {
  const charge: PaymentFact[] =
    state.charge === null
      ? [{ type: 'ChargeRecorded', charge: { outcome: 'SUCCEEDED', reason: null, ...amountOf(captured) } }]
      : [];
  const facts: PaymentFact[] = [...charge, { type: 'RefundRecorded', refund }];
  return record('orphan-refunded', true, facts, [paymentRefunded(orderId, refund, stamp)]);
}

function record(
  outcome: ReconcileOutcome,
  settled: boolean,
  facts: PaymentFact[] = [],
  events: PaymentEvent[] = [],
): ReconcileDecision {
  return { kind: 'record', outcome, facts, events, settled };
}

import type { TopicName } from '@microshop/contracts';
import {
  counter,
  HttpCallFailed,
  type Logger,
  type Pool,
  type Registry,
  withStoredTrace,
  withTransaction,
} from '@microshop/platform';
import type { PaymentProvider, RefundResult } from '../clients/payment-provider.ts';
import { chargeKey, type PaymentState } from '../domain/payment.ts';
import {
  type KeyLookup,
  type ReconcileDecision,
  type ReconcileOutcome,
  reconcile,
} from '../domain/reconciliation.ts';
import { publishPaymentEvents } from '../store/outbox-events.ts';
import { lockOrder, readState, recordFacts } from '../store/payment-state.ts';
import { markReconciled, type ReconcileCandidate, reconcileCandidates } from '../store/reconciliation.ts';

/**
 * The reconciliation, a periodic task (every RECONCILE_INTERVAL_MS): payments asks the provider, by
 * the order's charge idempotency key, about every charge whose outcome it does not know (its handler
 * gave up, or the process died mid-call) and every order that ended without a capture recorded. An
 * orphan — a capture for an order that ended FAILED or CANCELLED — is refunded (key `refund-<id>`, the
 * one the consumer would use); a capture for an order still waiting is recorded and PaymentSucceeded
 * published. Like the consumer, it calls the provider outside any transaction and records under the
 * order's lock after reading its state again, so the two never record a charge or a refund twice.
 */

export interface ReconcilerOptions {
  pool: Pool;
  provider: PaymentProvider;
  paymentsTopic: TopicName;
  logger: Logger;
  now: () => Date;
  newId: () => string;
  /** Wait after a charge was sent (or the order ended) before asking, and between two asks. */
  afterMs: number;
  /** How old the last charge request must be before "the provider has nothing" is final. */
  settleMs: number;
  /** Orders asked about per pass. Default 50. */
  batchSize?: number;
  /** Hears each order's outcome (the metric). */
  onOutcome?: (outcome: ReconcileOutcome) => void;
}

export type ReconcileReport = Partial<Record<ReconcileOutcome, number>>;

/** One pass; stops early while the provider is unavailable (the next pass asks again). */
export async function reconcileCharges(options: ReconcilerOptions): Promise<ReconcileReport> {
  const candidates = await reconcileCandidates(options.pool, {
    now: options.now(),
    afterMs: options.afterMs,
    limit: options.batchSize ?? 50,
  });
  const report: ReconcileReport = {};
  for (const candidate of candidates) {
    try {
      const outcome = await reconcileOne(options, candidate);
      report[outcome] = (report[outcome] ?? 0) + 1;
      options.onOutcome?.(outcome);
      if (outcome === 'orphan-refunded' || outcome === 'capture-recorded') {
        options.logger.warn({ orderId: candidate.orderId, outcome }, 'reconciled with the provider');
      }
    } catch (error) {
      // The provider is down or its circuit open: the other orders would meet the same.
      if (!(error instanceof HttpCallFailed)) throw error;
      options.logger.warn(
        { err: error },
        'payment provider unavailable; reconciliation resumes at the next pass',
      );
      break;
    }
  }
  return report;
}

const maxRounds = 3;

async function reconcileOne(
  options: ReconcilerOptions,
  candidate: ReconcileCandidate,
): Promise<ReconcileOutcome> {
  const lookup = await options.provider.lookupCharge(chargeKey(candidate.orderId));
  let refund: RefundResult | null = null;
  for (let round = 1; round <= maxRounds; round++) {
    const state = await readState(options.pool, candidate.orderId);
    const decision = decideNow(options, candidate, { lookup, refund }, state);
    if (decision.kind === 'call') {
      refund = await options.provider.refund(decision.call);
      continue;
    }
    const recorded = await record(options, candidate, { lookup, refund });
    if (recorded !== null) return recorded;
  }
  return 'ask-again';
}

interface Answers {
  lookup: KeyLookup;
  refund: RefundResult | null;
}

/** Under the order's lock, with its state read again: the facts, the events, the mark. Null: the state moved. */
function record(
  options: ReconcilerOptions,
  candidate: ReconcileCandidate,
  answers: Answers,
): Promise<ReconcileOutcome | null> {
  return withTransaction(options.pool, async (client) => {
    await lockOrder(client, candidate.orderId);
    const decision = decideNow(options, candidate, answers, await readState(client, candidate.orderId));
    if (decision.kind === 'call') return null;
    const at = options.now();
    const order = { orderId: candidate.orderId, customerId: candidate.customerId ?? '' };
    await recordFacts(client, order, decision.facts, at);
    // The events go on in the trace the charge was sent in.
    await withStoredTrace(candidate.chargeTraceparent, `reconciled: ${decision.outcome}`, () =>
      publishPaymentEvents(client, options.paymentsTopic, decision.events),
    );
    await markReconciled(client, candidate.orderId, at, decision.settled);
    return decision.outcome;
  });
}

function decideNow(
  options: ReconcilerOptions,
  candidate: ReconcileCandidate,
  answers: Answers,
  state: PaymentState,
): ReconcileDecision {
  const now = options.now();
  const sent = candidate.chargeLastSentAt;
  const command = {
    type: 'Reconcile' as const,
    orderId: candidate.orderId,
    ...answers,
    sinceLastChargeMs: sent === null ? null : now.getTime() - sent.getTime(),
    settleMs: options.settleMs,
  };
  return reconcile(command, state, { newId: options.newId, at: now });
}

/** `payments_reconciliations_total{outcome}`: what each order asked about came to. */
export function reconciliationCounter(metrics: Registry): (outcome: ReconcileOutcome) => void {
  const total = counter(
    metrics,
    'payments_reconciliations_total',
    'Orders reconciled against the provider, by outcome (orphan-refunded, capture-recorded, …)',
    ['outcome'],
  );
  return (outcome) => total.inc({ outcome });
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emptyState, type PaymentState } from '../src/domain/payment.ts';
import { type KeyLookup, type Reconcile, reconcile } from '../src/domain/reconciliation.ts';

const orderId = '11111111-1111-4111-8111-111111111111';
const stamp = { newId: () => 'event-1', at: new Date('2025-03-01T10:00:00.000Z') };
const captured: KeyLookup = {
  kind: 'captured',
  charge: { paymentId: 'ch_1', amount: 4200, currency: 'EUR' },
};
const refund = {
  kind: 'refund' as const,
  refundId: 're_1',
  paymentId: 'ch_1',
  amount: 4200,
  currency: 'EUR',
};
const waiting: PaymentState = {
  ...emptyState,
  reference: 'pm_reconciliationTest0000000',
  chargeAttempted: true,
};
const failed: PaymentState = { ...waiting, ended: 'FAILED' };

function given(state: PaymentState, lookup: KeyLookup, overrides: Partial<Reconcile> = {}) {
  const command: Reconcile = {
    type: 'Reconcile',
    orderId,
    lookup,
    refund: null,
    sinceLastChargeMs: 120_000,
    settleMs: 60_000,
    ...overrides,
  };
  return reconcile(command, state, stamp);
}

describe('reconciling an order with the provider', () => {
  test('an orphan (captured, the order FAILED) is refunded first, then the charge and its refund recorded together', () => {
    assert.deepEqual(given(failed, captured), {
      kind: 'call',
      call: { kind: 'refund', idempotencyKey: `refund-${orderId}`, orderId, paymentId: 'ch_1', amount: 4200 },
    });
    const done = given(failed, captured, { refund });
    assert.equal(done.kind === 'record' && done.outcome, 'orphan-refunded');
    assert.deepEqual(
      done.kind === 'record' && [
        done.facts.map((fact) => fact.type),
        done.events.map((event) => event.type),
        done.settled,
      ],
      [['ChargeRecorded', 'RefundRecorded'], ['PaymentRefunded'], true],
    );
  });

  test('a capture for an order still waiting is recorded and announced', () => {
    const done = given(waiting, captured);
    assert.deepEqual(
      done.kind === 'record' && [done.outcome, done.facts.map((f) => f.type), done.events.map((e) => e.type)],
      ['capture-recorded', ['ChargeRecorded'], ['PaymentSucceeded']],
    );
  });

  test('a capture recorded for an ended order but never refunded is refunded', () => {
    const recorded: PaymentState = {
      ...failed,
      charge: { outcome: 'SUCCEEDED', paymentId: 'ch_1', amount: 4200, currency: 'EUR', reason: null },
    };
    assert.equal(given(recorded, { kind: 'none' }).kind, 'call');
    const done = given(recorded, { kind: 'none' }, { refund });
    assert.deepEqual(done.kind === 'record' && done.facts.map((f) => f.type), ['RefundRecorded']);
  });

  test('nothing at the provider settles an ended order only once no held request can still land', () => {
    const soon = given(failed, { kind: 'none' }, { sinceLastChargeMs: 10_000 });
    const late = given(failed, { kind: 'none' });
    const never = given({ ...failed, chargeAttempted: false }, { kind: 'none' }, { sinceLastChargeMs: null });
    assert.deepEqual(
      [soon, late, never].map((d) => d.kind === 'record' && [d.outcome, d.settled]),
      [
        ['ask-again', false],
        ['nothing-charged', true],
        ['nothing-charged', true],
      ],
    );
  });

  test('a waiting order with nothing yet, a request still running, or a decline is asked about again', () => {
    const declined: KeyLookup = { kind: 'refused', refusal: { status: 'declined', message: 'no' } };
    for (const lookup of [{ kind: 'none' }, { kind: 'pending' }, declined] as KeyLookup[]) {
      const decision = given(waiting, lookup);
      assert.deepEqual(decision.kind === 'record' && [decision.outcome, decision.settled, decision.events], [
        'ask-again',
        false,
        [],
      ]);
    }
    const endedDeclined = given(failed, declined);
    assert.deepEqual(endedDeclined.kind === 'record' && endedDeclined.outcome, 'nothing-charged');
  });
});

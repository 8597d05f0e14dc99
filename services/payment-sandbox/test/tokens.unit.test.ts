import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import { type Charge, decide, evolve } from '../src/domain/charge.ts';
import { attemptOutcome, behaviourOf } from '../src/domain/tokens.ts';

const settings = { slowMs: 3000, errorTimes: 2 };

test('each test token of the contract has its behaviour; any other token has none', () => {
  assert.deepEqual(
    Object.values(sandboxTokens).map((token) => behaviourOf(token)),
    ['succeed', 'decline', 'slow', 'flaky'],
  );
  assert.equal(behaviourOf('tok_mastercard'), null);
  assert.equal(behaviourOf('toString'), null);
});

test('a test token with a suffix behaves like the test token, so a test can use a token of its own', () => {
  assert.equal(behaviourOf('tok_visa_0b6f3c1e-7a4d-4f7e-9c2a-5d1e8b3f6a90'), 'succeed');
  assert.equal(behaviourOf('tok_chargeDeclined_e2e'), 'decline');
  assert.equal(behaviourOf('tok_slow_1'), 'slow');
  assert.equal(behaviourOf('tok_error_a_b'), 'flaky');
  assert.equal(behaviourOf('tok_visa-no-underscore'), null);
  assert.equal(behaviourOf('tok_mastercard_1'), null);
  assert.equal(behaviourOf('xtok_visa_1'), null);
});

test('tok_slow charges after the configured delay, tok_visa at once, tok_chargeDeclined never', () => {
  assert.deepEqual(attemptOutcome('slow', 1, settings), { kind: 'charge', delayMs: 3000 });
  assert.deepEqual(attemptOutcome('succeed', 1, settings), { kind: 'charge', delayMs: 0 });
  assert.deepEqual(attemptOutcome('decline', 5, settings), { kind: 'decline' });
});

test('tok_error has an outage for the first errorTimes attempts of a key, then charges', () => {
  const outcomes = [1, 2, 3, 4].map((attempt) => attemptOutcome('flaky', attempt, settings));

  assert.deepEqual(outcomes, [
    { kind: 'outage', status: 500 },
    { kind: 'outage', status: 503 },
    { kind: 'charge', delayMs: 0 },
    { kind: 'charge', delayMs: 0 },
  ]);
  assert.deepEqual(attemptOutcome('flaky', 1, { ...settings, errorTimes: 0 }), {
    kind: 'charge',
    delayMs: 0,
  });
});

const charge: Charge = {
  id: 'ch_1',
  object: 'charge',
  status: 'succeeded',
  amount: 5000,
  currency: 'EUR',
  metadata: {},
  created: 0,
  amount_refunded: 1000,
  refunded: false,
};

/** The refused refund's provider error code, or null when the refund is made. */
function refusalOf(amount: number | undefined, of = charge): string | null {
  const [event] = decide({ type: 'RefundCharge', amount }, of);
  return event.type === 'RefundRefused' ? (event.error.body.error.code ?? '') : null;
}

test('a refund may take what is left of the charge and no more', () => {
  assert.deepEqual(decide({ type: 'RefundCharge', amount: undefined }, charge), [
    { type: 'ChargeRefunded', amount: 4000 },
  ]);
  assert.deepEqual(decide({ type: 'RefundCharge', amount: 4000 }, charge), [
    { type: 'ChargeRefunded', amount: 4000 },
  ]);
  assert.equal(refusalOf(4001), 'amount_too_large');
  assert.equal(refusalOf(undefined, { ...charge, amount_refunded: 5000 }), 'charge_already_refunded');
});

test('a refund adds to what was refunded; the charge is refunded once nothing is left', () => {
  const part = evolve(charge, { type: 'ChargeRefunded', amount: 1000 });
  const all = evolve(part, { type: 'ChargeRefunded', amount: 3000 });

  assert.deepEqual([part.amount_refunded, part.refunded], [2000, false]);
  assert.deepEqual([all.amount_refunded, all.refunded], [5000, true]);
});

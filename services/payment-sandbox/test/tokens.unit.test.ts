import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import { checkRefund } from '../src/domain/ledger.ts';
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

test('a refund may take what is left of the charge and no more', () => {
  const charge = { id: 'ch_1', amount: 5000, amount_refunded: 1000 };

  assert.deepEqual(checkRefund(charge, undefined), { ok: true, amount: 4000 });
  assert.deepEqual(checkRefund(charge, 4000), { ok: true, amount: 4000 });
  const tooMuch = checkRefund(charge, 4001);
  assert.equal(tooMuch.ok ? null : tooMuch.error.body.error.code, 'amount_too_large');
  const done = checkRefund({ ...charge, amount_refunded: 5000 }, undefined);
  assert.equal(done.ok ? null : done.error.body.error.code, 'charge_already_refunded');
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import { isRetriable } from '@microshop/platform';
import type { TokenisedCharge } from '../src/clients/payment-provider.ts';
import { chargeKey, refundKey } from '../src/domain/payment.ts';
import { httpProvider, startSandbox } from './harness.ts';

// The HTTP adapter against the real sandbox: what it makes of each answer, and how it retries.

const sandbox = await startSandbox({ slowMs: 5_000, errorTimes: 3 });

function chargeCall(token: string, orderId = randomUUID()): TokenisedCharge {
  return {
    kind: 'charge',
    idempotencyKey: chargeKey(orderId),
    orderId,
    amount: 5000,
    currency: 'EUR',
    reference: 'pm_providerTestReference0000',
    token,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof Error, 'it threw');
  return error;
}

test('a succeeded charge comes back with the provider id, amount and currency', async () => {
  const outcome = await httpProvider(sandbox.url).charge(chargeCall(sandboxTokens.success));

  assert.equal(outcome.status, 'succeeded');
  assert.deepEqual(outcome.status === 'succeeded' ? [outcome.amount, outcome.currency] : [], [5000, 'EUR']);
});

test('a 402 is a decline and another 4xx a rejection, each with the provider message (the card token cut out)', async () => {
  const provider = httpProvider(sandbox.url);

  assert.deepEqual(await provider.charge(chargeCall(sandboxTokens.declined)), {
    status: 'declined',
    message: 'Your card was declined.',
  });
  assert.deepEqual(await provider.charge(chargeCall('tok_bogus')), {
    status: 'rejected',
    message: "No such token: '[card token]'",
  });
});

test('5xx answers are retried with the same key until the provider charges (three outages, four attempts)', async () => {
  const orderId = randomUUID();

  const outcome = await httpProvider(sandbox.url, { maxAttempts: 4 }).charge(
    chargeCall(sandboxTokens.flaky, orderId),
  );

  // tok_error counts outages per key: only the same key on every attempt gets through.
  assert.equal(outcome.status, 'succeeded');
  assert.equal((await sandbox.charges(orderId)).length, 1);
});

test('attempts that all time out end in a retriable error naming the attempts', async () => {
  const started = Date.now();
  const error = await failureOf(
    httpProvider(sandbox.url, { timeoutMs: 100, maxAttempts: 3 }).charge(chargeCall(sandboxTokens.slow)),
  );

  assert.equal(isRetriable(error), true);
  assert.match(error.message, /failed 3 times, last: .*(Timeout|Abort)/);
  assert.ok(Date.now() - started < 2_000, 'gave up long before the slow charge would answer');
});

test('a stopping service aborts a call at once, with a retriable error', async () => {
  const stopping = new AbortController();
  setTimeout(() => stopping.abort(), 100);
  const started = Date.now();

  const error = await failureOf(
    httpProvider(sandbox.url, { timeoutMs: 10_000 }).charge(chargeCall(sandboxTokens.slow), {
      signal: stopping.signal,
    }),
  );

  assert.equal(isRetriable(error), true);
  assert.match(error.message, /aborted/);
  assert.ok(Date.now() - started < 1_000);
});

test('a refund the provider refuses for good is a non-retriable error, so it is dead-lettered', async () => {
  const orderId = randomUUID();
  const error = await failureOf(
    httpProvider(sandbox.url).refund({
      kind: 'refund',
      idempotencyKey: refundKey(orderId),
      orderId,
      paymentId: 'ch_missing',
      amount: 100,
    }),
  );

  assert.equal(isRetriable(error), false);
  assert.match(error.message, /No such charge/);
});

test('findCharge returns the order charge the provider holds, or null', async () => {
  const provider = httpProvider(sandbox.url);
  const orderId = randomUUID();
  const outcome = await provider.charge(chargeCall(sandboxTokens.success, orderId));

  const found = await provider.findCharge(orderId);

  assert.deepEqual(
    found,
    outcome.status === 'succeeded' ? { paymentId: outcome.paymentId, amount: 5000, currency: 'EUR' } : 'x',
  );
  assert.equal(await provider.findCharge(randomUUID()), null);
});

test('lookupCharge says what became of a charge key: captured, refused for good, or never made', async () => {
  const provider = httpProvider(sandbox.url);
  const paid = chargeCall(sandboxTokens.success);
  const outcome = await provider.charge(paid);
  const declined = chargeCall(sandboxTokens.declined);
  await provider.charge(declined);

  assert.deepEqual(await provider.lookupCharge(paid.idempotencyKey), {
    kind: 'captured',
    charge: {
      paymentId: outcome.status === 'succeeded' ? outcome.paymentId : '',
      amount: 5000,
      currency: 'EUR',
    },
  });
  assert.deepEqual(await provider.lookupCharge(declined.idempotencyKey), {
    kind: 'refused',
    refusal: { status: 'declined', message: 'Your card was declined.' },
  });
  assert.deepEqual(await provider.lookupCharge(chargeKey(randomUUID())), { kind: 'none' });
});

test('with the circuit breaker on, a provider that keeps failing is not called for a while: calls fail at once, retriable', async () => {
  const provider = httpProvider('http://127.0.0.1:9', {
    maxAttempts: 2,
    circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
  });
  const first = await failureOf(provider.charge(chargeCall(sandboxTokens.success)));
  const started = Date.now();
  const second = await failureOf(provider.charge(chargeCall(sandboxTokens.success)));

  assert.match(first.message, /failed 2 times/);
  assert.match(second.message, /circuit is open/);
  assert.equal((second as { attempts?: number }).attempts, 0);
  assert.equal(isRetriable(second), true);
  assert.ok(Date.now() - started < 100, 'failed at once');
});

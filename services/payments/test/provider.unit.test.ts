import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, loadConfig } from '@microshop/platform';
import { isTransient } from '../src/clients/http-provider.ts';
import { paymentsConfig, providerBreakerOf, providerRetryOf } from '../src/config.ts';

// How the provider adapter retries one request (the waits themselves are the kit client's: doubling
// from the first up to the cap, with equal jitter).

test('409 (key still in progress), 429 and 5xx are retried with the same key; a verdict is not', () => {
  assert.deepEqual(
    [409, 429, 500, 502, 503].map((status) => isTransient(status)),
    [true, true, true, true, true],
  );
  assert.deepEqual(
    [200, 201, 400, 402, 404, 422].map((status) => isTransient(status)),
    [false, false, false, false, false, false],
  );
});

test('by default a request is tried 3 times, 2 s each, waiting from 200 ms up to 1 s between attempts: at most 6.6 s of one event', () => {
  const config = loadConfig(paymentsConfig, { PAYMENT_PROVIDER_URL: 'http://127.0.0.1:8110' });

  assert.deepEqual(providerRetryOf(config), { maxAttempts: 3, initialMs: 200, maxMs: 1_000 });
  assert.equal(config.PAYMENT_TIMEOUT_MS, 2_000);
  const waits = [1, 2].map((attempt) =>
    backoffDelay(attempt, { initialMs: 200, maxMs: 1_000, random: () => 1 }),
  );
  const worstMs =
    providerRetryOf(config).maxAttempts * config.PAYMENT_TIMEOUT_MS + waits.reduce((a, b) => a + b);
  assert.equal(worstMs, 6_600);
  assert.ok(
    worstMs * 2 + config.CONSUMER_RETRY_BACKOFF_MS < 120_000 / 8,
    'well inside the VALIDATED deadline',
  );
});

test('the circuit opens after 5 failed attempts in a row and lets a trial call through after 5 s', () => {
  const config = loadConfig(paymentsConfig, { PAYMENT_PROVIDER_URL: 'http://127.0.0.1:8110' });
  assert.deepEqual(providerBreakerOf(config), { consecutiveFailures: 5, halfOpenAfterMs: 5_000 });
});

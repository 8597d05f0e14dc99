import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, loadConfig } from '@microshop/platform';
import { isTransient } from '../src/clients/http-provider.ts';
import { paymentsConfig, providerBreakerOf, providerRetryOf, tokenKeysOf } from '../src/config.ts';

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
  const config = loadConfig(paymentsConfig, {
    PAYMENT_PROVIDER_URL: 'http://127.0.0.1:8110',
    MICROSHOP_PROFILE: 'test',
  });

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
  const config = loadConfig(paymentsConfig, {
    PAYMENT_PROVIDER_URL: 'http://127.0.0.1:8110',
    MICROSHOP_PROFILE: 'test',
  });
  assert.deepEqual(providerBreakerOf(config), { consecutiveFailures: 5, halfOpenAfterMs: 5_000 });
});

test('card token keys: required outside dev and test, the first encrypts, a local key only in dev and test', () => {
  const url = { PAYMENT_PROVIDER_URL: 'http://127.0.0.1:8110' };
  assert.throws(() => loadConfig(paymentsConfig, url), /PAYMENT_TOKEN_KEYS: is required outside/);
  assert.throws(
    () => loadConfig(paymentsConfig, { ...url, PAYMENT_TOKEN_KEYS: 'c2hvcnQ=' }),
    /PAYMENT_TOKEN_KEYS: must be comma-separated 32-byte keys/,
  );
  const [newKey, oldKey] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
  const rotating = loadConfig(paymentsConfig, {
    ...url,
    PAYMENT_TOKEN_KEYS: `${newKey.toString('base64')},${oldKey.toString('base64')}`,
  });
  assert.deepEqual(tokenKeysOf(rotating), [newKey, oldKey]);
  const local = tokenKeysOf(loadConfig(paymentsConfig, { ...url, MICROSHOP_PROFILE: 'dev' }));
  assert.equal(local.length, 1);
  assert.equal(local[0]?.length, 32);
});

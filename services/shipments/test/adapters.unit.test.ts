import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { loadConfig } from '@microshop/platform';
import { callbackUrlOf, carrierUrlOf, shipmentsConfig, webhookSecretsOf } from '../src/config.ts';
import { actsOn, decodeOrderEvent } from '../src/handlers/order-events.ts';
import { verifySignature } from '../src/http/signature.ts';
import { orderEvent } from './fixtures.ts';

const secret = 'a-webhook-secret-of-length';
const now = new Date('2026-01-01T00:00:00Z');
const t = Math.floor(now.getTime() / 1000);

function sign(body: string, at = t, key = secret): string {
  return `t=${at},v1=${createHmac('sha256', key).update(`${at}.${body}`).digest('hex')}`;
}

describe('the webhook signature', () => {
  const body = '{"event":"delivered"}';

  test('a signature of this body and a recent time with the shared secret is accepted, keyed by time and MAC', () => {
    const check = verifySignature([secret], sign(body), body, now, 300);
    assert.deepEqual(check, { ok: true, replayKey: `${t}:${sign(body).split('v1=')[1]}` });
  });

  test('a missing, tampered, foreign or stale signature is refused', () => {
    assert.equal(verifySignature([secret], undefined, body, now, 300).ok, false);
    assert.equal(verifySignature([secret], sign(body), `${body} `, now, 300).ok, false);
    assert.equal(
      verifySignature([secret], sign(body, t, 'another-secret-entirely'), body, now, 300).ok,
      false,
    );
    assert.deepEqual(verifySignature([secret], sign(body, t - 301), body, now, 300), {
      ok: false,
      reason: 'is too old',
    });
  });

  test('while a secret is rotated, a signature made with the new or the old one is accepted', () => {
    const secrets = ['the-new-webhook-secret', secret];
    assert.equal(verifySignature(secrets, sign(body, t, 'the-new-webhook-secret'), body, now, 300).ok, true);
    assert.equal(verifySignature(secrets, sign(body), body, now, 300).ok, true);
    assert.equal(verifySignature(secrets, sign(body, t, 'a-third-webhook-secret'), body, now, 300).ok, false);
  });

  test('without a secret nothing is accepted', () => {
    assert.deepEqual(verifySignature([], sign(body), body, now, 300), {
      ok: false,
      reason: 'cannot be checked: no webhook secret is configured',
    });
  });
});

describe('decoding order events', () => {
  test('approvals and cancellations are decoded; other statuses, tombstones and unknown types are skipped', () => {
    assert.equal(decodeOrderEvent({ value: orderEvent('APPROVED') })?.command, 'ShipOrder');
    assert.equal(decodeOrderEvent({ value: orderEvent('CANCELLED') })?.command, 'CancelOrder');
    assert.equal(decodeOrderEvent({ value: orderEvent('SHIPPED') }), null);
    assert.equal(decodeOrderEvent({ value: null }), null);
    assert.equal(decodeOrderEvent({ value: { type: 'OrderTeleported' } }), null);
  });

  test("the consumer's filter lets through what is decoded, even broken, and nothing else", () => {
    assert.equal(actsOn({ value: orderEvent('APPROVED') }), true);
    assert.equal(actsOn({ value: { ...orderEvent('CANCELLED'), orderId: 'nope' } }), true);
    for (const status of ['CREATED', 'VALIDATED', 'SHIPPED', 'DELIVERED', 'FAILED'] as const)
      assert.equal(actsOn({ value: orderEvent(status) }), false, status);
    assert.equal(actsOn({ value: null }), false);
    assert.equal(actsOn({ value: { type: 'OrderTeleported' } }), false);
  });

  test('an approval that breaks its schema is a non-retriable error naming the field', () => {
    const broken = { ...orderEvent('APPROVED'), orderId: 'nope' };
    assert.throws(
      () => decodeOrderEvent({ value: broken }),
      (error: { retriable?: boolean; fields?: { field: string }[] }) =>
        error.retriable === false && error.fields?.some((f) => f.field === 'orderId') === true,
    );
  });
});

const testProfile = { MICROSHOP_PROFILE: 'test' };

describe('the webhook secrets in the config', () => {
  test('outside dev and test, a service without a webhook secret refuses to start', () => {
    assert.throws(() => loadConfig(shipmentsConfig, {}), /CARRIER_WEBHOOK_SECRETS: is required outside/);
    assert.deepEqual(webhookSecretsOf(loadConfig(shipmentsConfig, testProfile)), []);
  });

  test('the list (new, old) and the single secret of earlier versions are all accepted', () => {
    const config = loadConfig(shipmentsConfig, {
      CARRIER_WEBHOOK_SECRETS: 'the-new-webhook-secret, the-old-webhook-secret',
      CARRIER_WEBHOOK_SECRET: 'the-single-webhook-secret',
    });
    assert.deepEqual(webhookSecretsOf(config), [
      'the-new-webhook-secret',
      'the-old-webhook-secret',
      'the-single-webhook-secret',
    ]);
    assert.throws(
      () => loadConfig(shipmentsConfig, { CARRIER_WEBHOOK_SECRETS: 'short' }),
      /at least 16 characters/,
    );
  });
});

describe('where the carrier and its callbacks go', () => {
  test('CARRIER_URL wins, else the first carrier-sandbox upstream, else the sandbox default', () => {
    const config = (env: Record<string, string>) => loadConfig(shipmentsConfig, { ...testProfile, ...env });
    assert.equal(
      carrierUrlOf(config({ CARRIER_URL: 'http://c:1', UPSTREAM_CARRIER_SANDBOX: 'http://u:2' })),
      'http://c:1',
    );
    assert.equal(carrierUrlOf(config({ UPSTREAM_CARRIER_SANDBOX: 'http://u:2,http://u:3' })), 'http://u:2');
    assert.equal(carrierUrlOf(config({})), 'http://127.0.0.1:8122');
  });

  test('the callback URL is the same for every instance: the public URL, else the first shipments upstream', () => {
    const config = (env: Record<string, string>) => loadConfig(shipmentsConfig, { ...testProfile, ...env });
    const path = '/api/v1/shipments/callbacks/carrier';
    assert.equal(callbackUrlOf(config({ SHIPMENTS_PUBLIC_URL: 'http://gw:8080' })), `http://gw:8080${path}`);
    assert.equal(
      callbackUrlOf(config({ UPSTREAM_SHIPMENTS: 'http://s:1,http://s:2', HTTP_PORT: '2' })),
      `http://s:1${path}`,
    );
    assert.equal(callbackUrlOf(config({ HTTP_PORT: '9999' })), `http://127.0.0.1:9999${path}`);
  });
});

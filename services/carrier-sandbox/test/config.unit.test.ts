import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '@microshop/platform';
import { sandboxConfig, signingSecretOf } from '../src/config.ts';

test('callbacks are signed with the first of CARRIER_WEBHOOK_SECRETS, else the single secret, else not at all', () => {
  const signing = (env: Record<string, string>) => signingSecretOf(loadConfig(sandboxConfig, env));
  assert.equal(
    signing({
      CARRIER_WEBHOOK_SECRETS: 'the-new-webhook-secret,the-old-webhook-secret',
      CARRIER_WEBHOOK_SECRET: 'the-single-webhook-secret',
    }),
    'the-new-webhook-secret',
  );
  assert.equal(signing({ CARRIER_WEBHOOK_SECRET: 'the-single-webhook-secret' }), 'the-single-webhook-secret');
  assert.equal(signing({}), undefined);
});

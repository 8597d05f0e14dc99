import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { serviceInstances } from '../src/apphost.ts';
import { loadSettings } from '../src/settings.ts';

function envOf(part: string, env: NodeJS.ProcessEnv = {}): Record<string, string> {
  const settings = loadSettings('test', env);
  const instance = serviceInstances(settings, undefined, env).find((candidate) => candidate.part === part);
  assert.ok(instance, `the stack runs ${part}`);
  return instance.env;
}

describe('what the stack gives each instance', () => {
  it("sends the customer emails to the stack's mail sink unless SMTP_URL names another server", () => {
    assert.equal(envOf('notifications').SMTP_URL, 'smtp://127.0.0.1:12525');
    const relay = 'smtps://mailer:s3cret@relay.example.com:465';
    assert.equal(envOf('notifications', { TEST_SMTP_URL: relay }).SMTP_URL, relay);
    assert.equal(loadSettings('dev', { SMTP_URL: relay }).smtp.url, relay);
  });

  it('gives every instance a data directory of its own under the stack home, for files that outlive a restart', () => {
    const home = '/tmp/microshop-home';
    assert.equal(
      envOf('payment-sandbox', { TEST_MICROSHOP_HOME: home }).DATA_DIR,
      join(home, 'data', 'payment-sandbox'),
    );
    assert.equal(envOf('mail-sink', { TEST_MICROSHOP_HOME: home }).DATA_DIR, join(home, 'data', 'mail-sink'));
  });

  it('runs short watchdog deadlines on the test stack, for every status the watchdog guards', () => {
    const env = envOf('order-background');
    assert.deepEqual(
      [
        env.WATCHDOG_CREATED_DEADLINE_MS,
        env.WATCHDOG_VALIDATED_DEADLINE_MS,
        env.WATCHDOG_APPROVED_DEADLINE_MS,
        env.WATCHDOG_SHIPPED_DEADLINE_MS,
      ],
      ['15000', '30000', '30000', '60000'],
    );
  });
});

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hostedVariable, serviceInstances, serviceProcesses } from '../src/apphost.ts';
import { defaultHosts, loadSettings } from '../src/settings.ts';

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

describe('which process runs which instance', () => {
  const processesOf = (env: NodeJS.ProcessEnv) => {
    const settings = loadSettings('test', env);
    return serviceProcesses(serviceInstances(settings, undefined, env), settings.layout, settings.hosts);
  };
  const partsOf = (processes: ReturnType<typeof processesOf>) =>
    Object.fromEntries(processes.map((process) => [process.part, process.instances.map((i) => i.part)]));

  it('split: a process per instance', () => {
    const processes = processesOf({});
    assert.ok(processes.every((process) => process.instances.length === 1));
    assert.ok(processes.some((process) => process.part === 'orders-2'));
  });

  it('hosted on one host: every backend service in one process named services, the gateway in its own', () => {
    const processes = processesOf({ TEST_MICROSHOP_LAYOUT: 'hosted', TEST_MICROSHOP_HOSTS: '1' });
    assert.deepEqual(
      processes.map((process) => process.part),
      ['services', 'gateway'],
    );
    const hosted = JSON.parse(processes[0]?.env[hostedVariable] ?? '[]') as { service: string }[];
    assert.equal(hosted.length, processes[0]?.instances.length);
    assert.ok(!hosted.some((entry) => entry.service === 'gateway'));
  });

  it('hosted by default: one host process per core, at most two', () => {
    const processes = processesOf({ TEST_MICROSHOP_LAYOUT: 'hosted' });
    const hosts = processes.filter((process) => process.part.startsWith('services'));
    assert.equal(hosts.length, defaultHosts);
    assert.ok(defaultHosts >= 1 && defaultHosts <= 2);
    assert.equal(loadSettings('dev', {}).hosts, defaultHosts);
  });

  it('hosted on two hosts: the services alternate, and two instances of one service never share a host', () => {
    const env = {
      TEST_MICROSHOP_LAYOUT: 'hosted',
      TEST_MICROSHOP_HOSTS: '2',
      INSTANCES_ORDERS: '2',
      INSTANCES_INVENTORY: '2',
    };
    const processes = processesOf(env);
    const parts = partsOf(processes);
    assert.deepEqual(Object.keys(parts), ['services-1', 'services-2', 'gateway']);
    assert.deepEqual(parts['services-1']?.slice(0, 4), ['orders-1', 'customers', 'inventory-2', 'fraud']);
    assert.deepEqual(parts['services-2']?.slice(0, 4), [
      'orders-2',
      'order-background',
      'inventory-1',
      'order-details',
    ]);
    const all = processes.flatMap((process) => process.instances.map((instance) => instance.part));
    assert.equal(new Set(all).size, all.length, 'each instance runs once');
    assert.equal(all.length, serviceInstances(loadSettings('test', env), undefined, env).length);
  });
});

// Partitioned mode (several Kafka brokers must not change what the system decides): a
// second, fresh stack with three Kafka brokers, topics of six partitions replicated three times, and
// two instances of each validator and of the aggregator. The stock scenario must end exactly as it
// does on the single-broker test stack: the same validations, the same final statuses (ten
// DELIVERED, the eleventh FAILED for inventory), stock and reserved both 0. Serial: three more JVMs and a dozen services load the machine.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { topicCatalog, topics } from '@microshop/contracts';
import { type CollectedMessage, collectMessages } from '@microshop/platform/testing';
import { Admin } from '@platformatic/kafka';
import { type ServiceSpec, serviceSpecs } from '../infra/src/apphost.ts';
import { bootstrapServers, databaseUrl, loadSettings } from '../infra/src/settings.ts';
import { type Stack, startStack, stopStack } from '../infra/src/stack.ts';
import { eventually, gatewayUrl } from './lib/api.ts';
import { orderIdOf } from './lib/kafka.ts';
import { comparable, type StockScenarioOutcome, scenarioStock, stockScenario } from './lib/scenarios.ts';
import { testSettings } from './lib/stack.ts';

// Ports apart from the main test stack's and from each other (Kafka nodes use +0, +10, +20): just above
// the main stack's gateway port, so below the kernel's ephemeral range (an outgoing connection never
// holds one of them), and a home next to the main stack's: two runs on other ports never share.
const gateway = testSettings.gateway.port;
const port = (aboveGateway: number) => String(gateway + aboveGateway);
const settings = loadSettings('test', {
  ...process.env,
  TEST_MICROSHOP_HOME: `${testSettings.home}-partitioned`,
  TEST_KAFKA_NODES: '3',
  TEST_KAFKA_PARTITIONS: '6',
  TEST_GATEWAY_PORT: port(300),
  TEST_CONNECT_PORT: port(303),
  TEST_SERVICE_PORT_BASE: port(320),
  TEST_SMTP_PORT: port(345),
  TEST_PG_PORT: port(352),
  TEST_KAFKA_PORT: port(412),
  TEST_KAFKA_CONTROLLER_PORT: port(413),
});
const partitionedGateway = `http://127.0.0.1:${settings.gateway.port}`;
const brokers = bootstrapServers(settings).split(',');

// Two of each validator and of the aggregator (what INSTANCES_FRAUD=2 … ask of apphost.ts), given
// to startStack explicitly so the main test stack's environment is left alone.
const scaledOut = ['fraud', 'inventory', 'order-details', 'validation-aggregator'];
const specs: ServiceSpec[] = serviceSpecs.map((s) =>
  scaledOut.includes(s.name) ? { ...s, instances: 2 } : s,
);
/** The consumer groups of the scaled-out services and the topic each reads its orders from. */
const groups: [string, string][] = [
  ['fraud', topics.orderOutbox],
  ['inventory', topics.orderOutbox],
  ['order-details', topics.orderOutbox],
  ['validation-aggregator', topics.orderValidations],
];

async function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: 'e2e-partitioned', bootstrapBrokers: brokers });
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

function assertScenario(name: string, outcome: StockScenarioOutcome): void {
  const view = comparable(outcome);
  const expected = [
    ...Array.from({ length: scenarioStock }, () => ({
      validation: 'VALIDATED',
      status: 'DELIVERED',
      reasonKinds: [],
    })),
    { validation: 'FAILED', status: 'FAILED', reasonKinds: ['INVENTORY'] },
  ];
  assert.deepEqual(view, { orders: expected, stock: 0, reserved: 0 }, `${name} stack`);
}

describe('partitioned mode: three brokers, six partitions, two instances of each validator and the aggregator', {
  timeout: 900_000,
}, () => {
  let stack: Stack | undefined;
  let startSeconds = 0;
  const startLog: string[] = [];

  before(
    async () => {
      await stopStack(settings, () => {}); // leftovers of an interrupted run
      const t0 = performance.now();
      stack = await startStack(settings, {
        fresh: true,
        services: specs,
        log: (line) => startLog.push(line),
      });
      startSeconds = (performance.now() - t0) / 1000;
    },
    { timeout: 600_000 },
  );
  after(() => stopStack(settings, () => {}), { timeout: 120_000 });

  it('starts three brokers with every topic in six partitions, replicated three times', async (t) => {
    t.diagnostic(`the 3-broker stack started in ${startSeconds.toFixed(1)} s`);
    for (const line of startLog) t.diagnostic(line.trim());
    const names = topicCatalog.map((s) => s.name);
    const metadata = await withAdmin((admin) => admin.metadata({ topics: [...names], forceUpdate: true }));
    assert.equal(metadata.brokers.size, 3, 'three brokers in the cluster');
    for (const name of names) {
      const topic = metadata.topics.get(name);
      assert.ok(topic, `${name} exists`);
      assert.equal(topic.partitionsCount, 6, `${name} has six partitions`);
      for (const [i, p] of topic.partitions.entries()) {
        assert.equal(new Set(p.replicas).size, 3, `${name}:${i} has three replicas`);
        assert.ok(p.isr.length >= 2, `${name}:${i} has at least two replicas in sync`);
      }
    }
    const leaders = new Set(
      [...metadata.topics.values()].flatMap((tp) => tp.partitions.map((p) => p.leader)),
    );
    assert.equal(leaders.size, 3, 'partition leadership is spread over the three brokers');
  });

  it('runs two instances of each validator and of the aggregator, splitting the partitions between them', async () => {
    assert.ok(stack);
    for (const name of scaledOut) {
      assert.deepEqual(
        stack.instances.filter((i) => i.service === name).map((i) => i.part),
        [`${name}-1`, `${name}-2`],
      );
    }
    for (const [group, topic] of groups) {
      const split = await eventually(
        `both ${group} instances to share ${topic}`,
        async () => {
          const described = await withAdmin((admin) => admin.describeGroups({ groups: [group] }));
          const members = [...(described.get(group)?.members.values() ?? [])];
          const owned = members.map((m) => m.assignments?.get(topic)?.partitions ?? []);
          const all = owned.flat().sort();
          return members.length === 2 && owned.every((p) => p.length > 0) && all.join() === '0,1,2,3,4,5'
            ? owned
            : undefined;
        },
        60_000,
      );
      assert.equal(split.length, 2);
    }
  });

  it('ends the stock scenario exactly as the single-broker test stack does', {
    timeout: 300_000,
  }, async (t) => {
    const single = await stockScenario(gatewayUrl);
    const partitioned = await stockScenario(partitionedGateway, databaseUrl(settings));
    t.diagnostic(
      `scenario: ${single.durationMs} ms on the test stack, ${partitioned.durationMs} ms partitioned`,
    );
    assert.deepEqual(comparable(partitioned), comparable(single));
    assertScenario('single-broker', single);
    assertScenario('partitioned', partitioned);

    // The orders really were spread: their OrderCreated events landed on several partitions.
    // (Each order has several events now that the saga runs: read until every order's OrderCreated is in.)
    const ids = new Set(partitioned.orders.map((o) => o.id));
    const createdOf = (ms: readonly CollectedMessage[]) =>
      ms.filter((m) => m.headers.type === 'OrderCreated' && ids.has(orderIdOf(m) ?? ''));
    const created = createdOf(
      await collectMessages({
        topic: topics.orderOutbox,
        bootstrapServers: brokers.join(','),
        until: (ms) => new Set(createdOf(ms).map(orderIdOf)).size >= ids.size,
        timeoutMs: 30_000,
      }),
    );
    assert.equal(new Set(created.map(orderIdOf)).size, ids.size, 'every OrderCreated read');
    const used = new Set(created.map((m) => m.partition));
    t.diagnostic(
      `the ${ids.size} orders' OrderCreated events used partitions ${[...used].sort().join(', ')}`,
    );
    assert.ok(used.size >= 2, `spread over several partitions, got ${[...used]}`);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProducer, deleteConsumerGroups } from '@microshop/platform';
import {
  createTestSchema,
  createTestTopics,
  eventually,
  fetchJson,
  serveIssuer,
  startService,
  testDatabaseUrl,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { after, orderCreated } from './fixtures.ts';
import { asOperator, issuer, logger } from './harness.ts';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const bootstrapServers = testKafkaBootstrapServers();

test('the process starts ready with its configured limit, judges orders from Kafka and stops cleanly on SIGTERM', async (t) => {
  const db = await createTestSchema('fraud_main', t);
  const [eventsTopic, deadLetterTopic] = await createTestTopics(
    t,
    [uniqueTopic('fraud-main'), uniqueTopic('fraud-main-dlq')],
    bootstrapServers,
  );
  assert.ok(eventsTopic && deadLetterTopic);
  const consumerGroup = uniqueGroup('fraud-main');
  const trusted = await serveIssuer(issuer, t);
  const service = await startService(
    mainFile,
    {
      ...trusted.env,
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_SCHEMA: db.name,
      KAFKA_BOOTSTRAP_SERVERS: bootstrapServers,
      ORDER_EVENTS_TOPIC: eventsTopic,
      DEAD_LETTER_TOPIC: deadLetterTopic,
      CONSUMER_GROUP: consumerGroup,
      FRAUD_LIMIT_MINOR: '10000',
      INSTANCE_ID: 'fraud-1',
    },
    t,
  );
  // Registered after startService's kill, so it runs after the process is gone; a member killed
  // mid-test stays in its group until its session times out.
  t.after(() =>
    deleteConsumerGroups({ bootstrapServers, groups: [consumerGroup], clientId: 'test-cleanup' }).catch(
      () => {},
    ),
  );

  const start = new Date();
  const first = orderCreated({ total: 6_000, at: start });
  const second = orderCreated({ customerId: first.customerId, total: 4_000, at: after(start, 1_000) });
  const producer = createProducer({ bootstrapServers, clientId: 'fraud-main-test', logger });
  t.after(() => producer.close());
  await producer.send(
    [first, second].map((e) => ({ topic: eventsTopic, key: e.customerId, value: e, headers: { id: e.id } })),
  );

  const url = `${service.base}/api/v1/fraud/customers/${first.customerId}/sessions`;
  const sessions = await eventually('both orders judged over HTTP', async () => {
    const answer = (await fetchJson(url, asOperator))?.body as
      | { sessions?: { orders: { result: string }[] }[] }
      | undefined;
    return answer?.sessions?.[0]?.orders.length === 2 ? answer.sessions : null;
  });
  assert.ok(sessions);
  assert.deepEqual(
    sessions[0]?.orders.map((o) => o.result),
    ['PASS', 'FAIL'],
    'FRAUD_LIMIT_MINOR=10000: 60.00 + 40.00 reaches 100.00',
  );

  assert.equal(await service.stop(), 0, service.output.join(''));
  assert.match(service.output.join(''), /"msg":"service stopped"/);
});

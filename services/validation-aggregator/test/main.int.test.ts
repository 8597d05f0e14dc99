import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProducer } from '@microshop/platform';
import {
  createTestSchema,
  createTestTopics,
  eventually,
  serveIssuer,
  startService,
  testDatabaseUrl,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { allPass } from './fixtures.ts';
import { asOperator, issuer, logger } from './harness.ts';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const bootstrapServers = testKafkaBootstrapServers();

test('the process starts ready, decides an order from Kafka, serves it over HTTP and stops cleanly', async (t) => {
  const db = await createTestSchema('validation_aggregator_main', t);
  const [validationsTopic, deadLetterTopic] = await createTestTopics(
    t,
    [uniqueTopic('validation-aggregator-main'), uniqueTopic('validation-aggregator-main-dlq')],
    bootstrapServers,
  );
  assert.ok(validationsTopic && deadLetterTopic);
  const trusted = await serveIssuer(issuer, t);
  const service = await startService(
    mainFile,
    {
      ...trusted.env,
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_SCHEMA: db.name,
      KAFKA_BOOTSTRAP_SERVERS: bootstrapServers,
      VALIDATIONS_TOPIC: validationsTopic,
      DEAD_LETTER_TOPIC: deadLetterTopic,
      CONSUMER_GROUP: uniqueGroup('validation-aggregator-main'),
      INSTANCE_ID: 'validation-aggregator-test',
    },
    t,
  );

  const orderId = randomUUID();
  const producer = createProducer({ bootstrapServers, clientId: 'validation-aggregator-main-test', logger });
  t.after(() => producer.close());
  await producer.send(
    allPass(orderId).map((event) => ({
      topic: validationsTopic,
      key: orderId,
      value: event,
      headers: { id: event.id },
    })),
  );

  const decision = await eventually('the decision over HTTP', async () => {
    const response = await fetch(`${service.base}/api/v1/validations/${orderId}`, { headers: asOperator });
    if (response.status !== 200) return null;
    const body = (await response.json()) as { decision: { outcome: string } | null };
    return body.decision;
  });
  assert.equal(decision.outcome, 'VALIDATED');

  assert.equal(await service.stop(), 0, service.output.join(''));
  assert.match(service.output.join(''), /"msg":"service stopped"/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProducer } from '@microshop/platform';
import {
  createTestTopics,
  testDatabaseUrl,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { customerEvent, orderEvent } from './fixtures.ts';
import { eventually, logger, migratedSchema, withDecodingSlot } from './harness.ts';
import { startService } from './process.ts';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const bootstrapServers = testKafkaBootstrapServers();
// Migrated here so the WAL slot can be opened before the process writes its first outbox row.
const db = await migratedSchema('notifications_main');

test('the process starts ready, routes an order from Kafka by its customer level and stops cleanly', async (t) => {
  // The process publishes its schema's outbox, so on the test stack Debezium really sends the routed
  // event: its topic must exist, and be this test's own.
  const routedPrefix = `${uniqueTopic('notifications-main-routed')}-`;
  const [ordersTopic, customersTopic, deadLetterTopic] = await createTestTopics(
    t,
    [
      uniqueTopic('notifications-main-orders'),
      { name: uniqueTopic('notifications-main-customers'), compacted: true },
      uniqueTopic('notifications-main-dlq'),
      `${routedPrefix}silver`,
    ],
    bootstrapServers,
  );
  assert.ok(ordersTopic && customersTopic && deadLetterTopic);
  const service = await startService(
    mainFile,
    {
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_SCHEMA: db.name,
      KAFKA_BOOTSTRAP_SERVERS: bootstrapServers,
      ORDER_EVENTS_TOPIC: ordersTopic,
      CUSTOMERS_TOPIC: customersTopic,
      DEAD_LETTER_TOPIC: deadLetterTopic,
      ROUTED_TOPIC_PREFIX: routedPrefix,
      CONSUMER_GROUP: uniqueGroup('notifications-main'),
      INSTANCE_ID: 'notifications-test',
    },
    t,
  );
  const producer = createProducer({ bootstrapServers, clientId: 'notifications-main-test', logger });
  t.after(() => producer.close());

  await withDecodingSlot(db, async (readInserts) => {
    const customer = customerEvent('silver');
    const created = orderEvent('CREATED', { customerId: customer.customerId });
    await producer.send([
      { topic: customersTopic, key: customer.customerId, value: customer, headers: { id: customer.id } },
      { topic: ordersTopic, key: created.customerId, value: created, headers: { id: created.id } },
    ]);

    const routed = await eventually('the routed order in the outbox', async () =>
      (await readInserts()).find((insert) => insert.key === created.orderId),
    );
    assert.equal(routed.topic, `${routedPrefix}silver`);
  });

  assert.equal(await service.stop(), 0, service.output.join(''));
  assert.match(service.output.join(''), /"msg":"service stopped"/);
});

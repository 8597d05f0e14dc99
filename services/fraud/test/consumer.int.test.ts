import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import type { OrderCreatedEvent, TopicName } from '@microshop/contracts';
import { createEventConsumer, createProducer, deleteConsumerGroups } from '@microshop/platform';
import {
  collectMessages,
  createTestTopics,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { createOrderCreatedHandler } from '../src/handlers/order-created.ts';
import { after as later, orderCreated } from './fixtures.ts';
import { eventually, httpApp, logger, migratedSchema } from './harness.ts';

const bootstrapServers = testKafkaBootstrapServers();
const db = await migratedSchema('fraud_consumer');
const app = await httpApp(db);
after(() => app.close());

/** As Debezium's Outbox Event Router publishes them: key = customer id, header `id` = event id. */
function asPublished(event: OrderCreatedEvent | Record<string, unknown>, topic: string) {
  const key = String((event as { customerId?: unknown }).customerId ?? randomUUID());
  return { topic, key, value: event, headers: { id: String(event.id) } };
}

test('orders consumed from Kafka, one delivered twice and one broken, are judged once each and the broken one is dead-lettered', async (t) => {
  const topic = uniqueTopic('fraud-outbox');
  const validationsTopic = uniqueTopic('fraud-validations');
  const deadLetterTopic = uniqueTopic('fraud-dlq');
  await createTestTopics(t, [{ name: topic, partitions: 3 }, deadLetterTopic], bootstrapServers);
  const producer = createProducer({ bootstrapServers, clientId: 'fraud-test', logger });
  t.after(() => producer.close());
  const groupId = uniqueGroup('fraud');
  const consumer = createEventConsumer({
    bootstrapServers,
    groupId,
    clientId: 'fraud-test',
    topics: [topic],
    logger,
    handle: createOrderCreatedHandler({
      pool: db.pool,
      consumer: groupId,
      rules: { gapMs: 3_600_000, limit: 200_000 },
      // Only a name here: without Debezium nothing is streamed; the verdicts are read back over HTTP.
      validationsTopic: validationsTopic as TopicName,
    }),
    deadLetter: { topic: deadLetterTopic, producer },
    retryBackoffMs: 20,
  });
  t.after(async () => {
    await consumer.stop();
    await deleteConsumerGroups({ bootstrapServers, groups: [groupId], clientId: 'test-cleanup' });
  });

  const start = new Date();
  const first = orderCreated({ total: 100_000, at: start });
  const second = orderCreated({ customerId: first.customerId, total: 100_000, at: later(start, 1_000) });
  const broken = { ...orderCreated(), id: randomUUID(), order: null };
  await producer.send([first, second, second, broken].map((event) => asPublished(event, topic)));
  await consumer.start();

  const body = await eventually('both orders in the customer’s session', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/fraud/customers/${first.customerId}/sessions`,
    });
    const json = response.json();
    return json.sessions?.[0]?.orderCount === 2 ? json : null;
  });

  assert.deepEqual(
    body.sessions[0].orders.map((o: { orderId: string; result: string }) => [o.orderId, o.result]),
    [
      [first.orderId, 'PASS'],
      [second.orderId, 'FAIL'],
    ],
  );
  const parked = await collectMessages({ topic: deadLetterTopic, bootstrapServers, count: 1 });
  assert.equal(parked[0]?.eventId, broken.id);
  assert.equal(parked[0]?.headers['dlq.group'], groupId);
  // Two distinct orders handled; the second copy of the second order found its inbox row.
  const handled = await db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [groupId]);
  assert.equal(handled.rows[0]?.n, 2);
});

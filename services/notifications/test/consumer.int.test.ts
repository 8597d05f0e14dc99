import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { CustomerChangedEvent, OrderEvent } from '@microshop/contracts';
import { createEventConsumer, createProducer } from '@microshop/platform';
import {
  createTestTopics,
  eventually,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
  withDecodingSlot,
} from '@microshop/platform/testing';
import { createNotificationsHandler } from '../src/handlers/messages.ts';
import { customerEvent, orderEvent } from './fixtures.ts';
import { logger, migratedSchema } from './harness.ts';

const bootstrapServers = testKafkaBootstrapServers();
const db = await migratedSchema('notifications_consumer');

/** As Debezium's Outbox Event Router publishes them: key = customer id, header `id` = event id. */
function asPublished(event: OrderEvent | CustomerChangedEvent, topic: string) {
  return { topic, key: event.customerId, value: event, headers: { id: event.id } };
}

test('an order consumed from Kafka before its customer waits for it and is routed with its level', async (t) => {
  const [ordersTopic, customersTopic, deadLetterTopic] = await createTestTopics(
    t,
    [
      { name: uniqueTopic('notifications-orders'), partitions: 3 },
      { name: uniqueTopic('notifications-customers'), compacted: true },
      uniqueTopic('notifications-dlq'),
    ],
    bootstrapServers,
  );
  assert.ok(ordersTopic && customersTopic && deadLetterTopic);
  const producer = createProducer({ bootstrapServers, clientId: 'notifications-test', logger });
  t.after(() => producer.close());
  const groupId = uniqueGroup('notifications');
  const attempts = new Map<string, number>(); // event id → handler calls
  const handle = createNotificationsHandler({
    pool: db.pool,
    consumer: groupId,
    topics: { orderEvents: ordersTopic, customers: customersTopic },
    routing: { graceMs: 3_000, topicPrefix: 'microshop.orders-' },
  });
  const consumer = createEventConsumer({
    bootstrapServers,
    groupId,
    clientId: 'notifications-test',
    topics: [customersTopic, ordersTopic],
    logger,
    handle: (message, context) => {
      attempts.set(message.eventId ?? '', context.attempt);
      return handle(message, context);
    },
    maxAttempts: 50,
    retryBackoffMs: 50,
    maxRetryBackoffMs: 200,
    deadLetter: { topic: deadLetterTopic, producer },
  });
  t.after(() => consumer.stop());

  await withDecodingSlot(db, async (readInserts) => {
    const customer = customerEvent('gold');
    const early = orderEvent('CREATED', { customerId: customer.customerId });
    const orphan = orderEvent('CREATED', { customerId: randomUUID(), at: new Date(Date.now() - 60_000) });
    await producer.send([asPublished(early, ordersTopic), asPublished(orphan, ordersTopic)]);
    await consumer.start();
    await eventually('the early order to be tried', async () => (attempts.get(early.id) ?? 0) >= 1);
    await producer.send([asPublished(customer, customersTopic)]);

    const routed = await eventually('both orders routed', async () => {
      const inserts = await readInserts();
      const mine = inserts.filter((insert) => [early.orderId, orphan.orderId].includes(insert.key));
      return mine.length === 2 ? mine : null;
    });

    const topicOf = (orderId: string) => routed.find((insert) => insert.key === orderId)?.topic;
    assert.equal(topicOf(early.orderId), 'microshop.orders-gold');
    assert.equal(topicOf(orphan.orderId), 'microshop.orders-bronze');
    assert.ok((attempts.get(early.id) ?? 0) >= 2, 'the early order was retried until its customer came');
    assert.equal(attempts.get(orphan.id), 1, 'the old orphan was routed at once');
  });
});

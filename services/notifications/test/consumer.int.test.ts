import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { CustomerChangedEvent, OrderEvent } from '@microshop/contracts';
import { asMessageHandler, createEventConsumer, createProducer } from '@microshop/platform';
import {
  createTestTopics,
  eventually,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
  withDecodingSlot,
} from '@microshop/platform/testing';
import { notificationsHandler } from '../src/handlers/messages.ts';
import { customerEvent, orderEvent } from './fixtures.ts';
import { logger, migratedSchema } from './harness.ts';

const bootstrapServers = testKafkaBootstrapServers();
const db = await migratedSchema('notifications_consumer');

/** As Debezium's Outbox Event Router publishes them: key = customer id, header `id` = event id. */
function asPublished(event: OrderEvent | CustomerChangedEvent, topic: string) {
  return { topic, key: event.customerId, value: event, headers: { id: event.id } };
}

test('an order consumed from Kafka before its customer is parked without holding its partition, and routed with its level when the customer arrives', async (t) => {
  // One partition: the orders behind the waiting one are strictly after it.
  const [ordersTopic, customersTopic, deadLetterTopic] = await createTestTopics(
    t,
    [
      { name: uniqueTopic('notifications-orders'), partitions: 1 },
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
  const handle = asMessageHandler(
    notificationsHandler({
      pool: db.pool,
      consumer: groupId,
      topics: { orderEvents: ordersTopic, customers: customersTopic },
      // A minute: an order holding its partition for it would time the test out.
      routing: { graceMs: 60_000, topicPrefix: 'microshop.orders-' },
    }),
    { pool: db.pool, consumer: groupId },
  );
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
    deadLetter: { topic: deadLetterTopic, producer },
  });
  t.after(() => consumer.stop());

  await withDecodingSlot(db, async (readInserts) => {
    const customer = customerEvent('gold');
    const regular = customerEvent('silver');
    const early = orderEvent('CREATED', { customerId: customer.customerId });
    const orphan = orderEvent('CREATED', { customerId: randomUUID(), at: new Date(Date.now() - 120_000) });
    const behind = orderEvent('CREATED', { customerId: regular.customerId });
    await producer.send([asPublished(regular, customersTopic)]);
    await producer.send([
      asPublished(early, ordersTopic),
      asPublished(orphan, ordersTopic),
      asPublished(behind, ordersTopic),
    ]);
    await consumer.start();
    const routedTo = async (orderIds: string[]) => {
      const inserts = await readInserts();
      const mine = inserts.filter((insert) => orderIds.includes(insert.key));
      return mine.length === orderIds.length ? mine : null;
    };

    const first = await eventually('the orders behind the waiting one routed', () =>
      routedTo([orphan.orderId, behind.orderId]),
    );
    assert.deepEqual(first.map((insert) => insert.topic).sort(), [
      'microshop.orders-bronze',
      'microshop.orders-silver',
    ]);
    assert.equal(attempts.get(early.id), 1, 'the waiting order was handled once, not retried');
    await producer.send([asPublished(customer, customersTopic)]);

    const routed = await eventually('the early order routed', () => routedTo([early.orderId]));
    assert.equal(routed[0]?.topic, 'microshop.orders-gold');
    assert.deepEqual(
      [early.id, orphan.id, behind.id].map((id) => attempts.get(id)),
      [1, 1, 1],
      'every order event handled once',
    );
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OrderEvent } from '@microshop/contracts';
import { createEventConsumer, createProducer } from '@microshop/platform';
import {
  collectMessages,
  createTestTopics,
  eventually,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { orderCreated, orderMoved, uniqueSku } from './fixtures.ts';
import { addProduct, levels, logger, migratedSchema, orderEventHandler, verdict } from './harness.ts';

// The handler behind a real consumer group on a real Kafka topic.

const bootstrapServers = testKafkaBootstrapServers();
const db = await migratedSchema('inventory_consumer');

/** As Debezium's Outbox Event Router publishes them: key = customer id, header `id` = event id. */
function asPublished(event: OrderEvent | string, topic: string) {
  if (typeof event === 'string') return { topic, key: 'poison', value: event };
  return { topic, key: event.customerId, value: event, headers: { id: event.id } };
}

test('order events from Kafka, one delivered twice and one broken, reserve and commit once and park the broken one', async (t) => {
  const topic = uniqueTopic('inventory-orders');
  const deadLetterTopic = uniqueTopic('inventory-dlq');
  await createTestTopics(t, [{ name: topic, partitions: 2 }, deadLetterTopic], bootstrapServers);
  const producer = createProducer({ bootstrapServers, clientId: 'inventory-test', logger });
  t.after(() => producer.close());
  const groupId = uniqueGroup('inventory');
  const consumer = createEventConsumer({
    bootstrapServers,
    groupId,
    clientId: 'inventory-test',
    topics: [topic],
    logger,
    handle: orderEventHandler(db, groupId),
    deadLetter: { topic: deadLetterTopic, producer },
    retryBackoffMs: 20,
  });
  t.after(() => consumer.stop());

  const sku = await addProduct(db, uniqueSku(), 5);
  const kept = orderCreated([{ sku, quantity: 2 }]);
  const approved = orderMoved(kept, 'APPROVED');
  const released = orderCreated([{ sku, quantity: 1 }]);
  const broken = JSON.stringify({ ...orderCreated([{ sku, quantity: 1 }]), order: { id: 'nope' } });
  await producer.send(
    [kept, kept, released, broken, orderMoved(released, 'FAILED'), approved].map((e) =>
      asPublished(e, topic),
    ),
  );
  await consumer.start();

  await eventually('the approval to be applied', async () => (await levels(db, sku)).stock === 3);
  // The two orders may sit on different partitions: wait until all four distinct events were handled,
  // not just until `reserved` passes through 0 once.
  await eventually('every event to be handled', async () => {
    const r = await db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [groupId]);
    return r.rows[0]?.n === 4;
  });
  const parked = await collectMessages({ topic: deadLetterTopic, count: 1, bootstrapServers });

  assert.deepEqual(await levels(db, sku), { stock: 3, reserved: 0 });
  assert.equal((await verdict(db, kept.orderId))?.result, 'PASS');
  assert.equal(parked[0]?.rawValue, broken);
  assert.equal(parked[0]?.headers['dlq.topic'], topic);
  // Four distinct events handled; the second copy of OrderCreated (same id) found its inbox row.
  const handled = await db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [groupId]);
  assert.equal(handled.rows[0]?.n, 4);
});

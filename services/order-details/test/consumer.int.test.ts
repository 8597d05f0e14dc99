import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { TopicName } from '@microshop/contracts';
import { createEventConsumer, createProducer, deleteConsumerGroups } from '@microshop/platform';
import {
  createTestTopics,
  eventually,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { orderRetryPolicy } from '../src/config.ts';
import { createOrderCreatedHandler } from '../src/handlers/order-created.ts';
import { createReferenceHandler } from '../src/handlers/reference-events.ts';
import { customerChanged, orderCreated, productChanged, uniqueSku } from './fixtures.ts';
import { logger, migratedSchema } from './harness.ts';

const bootstrapServers = testKafkaBootstrapServers();
const db = await migratedSchema('order_details_consumer');

function asPublished(event: { id: string }, topic: string, key: string) {
  return { topic, key, value: event, headers: { id: event.id } };
}

async function verdictOf(orderId: string): Promise<{ result: string; reason: string | null } | null> {
  const result = await db.pool.query('SELECT result, reason FROM order_checks WHERE order_id = $1', [
    orderId,
  ]);
  return result.rows[0] ?? null;
}

test('an order consumed from Kafka before its customer has been copied is retried until the copy arrives, then passes', async (t) => {
  const [ordersTopic, customersTopic, productsTopic, deadLetterTopic] = await createTestTopics(
    t,
    [
      { name: uniqueTopic('order-details-outbox'), partitions: 2 },
      { name: uniqueTopic('order-details-customers'), compacted: true },
      { name: uniqueTopic('order-details-products'), compacted: true },
      uniqueTopic('order-details-dlq'),
    ],
    bootstrapServers,
  );
  assert.ok(ordersTopic && customersTopic && productsTopic && deadLetterTopic);
  const producer = createProducer({ bootstrapServers, clientId: 'order-details-test', logger });
  t.after(() => producer.close());
  // Wired as main.ts wires them: one group for the copies, one for the orders, with retries over the grace.
  const referenceGroup = uniqueGroup('order-details-references');
  const orderGroup = uniqueGroup('order-details');
  const common = {
    bootstrapServers,
    clientId: 'order-details-test',
    logger,
    deadLetter: { topic: deadLetterTopic, producer },
  };
  const references = createEventConsumer({
    ...common,
    groupId: referenceGroup,
    topics: [customersTopic, productsTopic],
    handle: createReferenceHandler({ pool: db.pool, consumer: referenceGroup }),
  });
  const checkOrder = createOrderCreatedHandler({
    pool: db.pool,
    consumer: orderGroup,
    graceMs: 10_000,
    validationsTopic: uniqueTopic('order-details-validations') as TopicName,
  });
  const attempts: number[] = [];
  const orders = createEventConsumer({
    ...common,
    ...orderRetryPolicy(10_000),
    groupId: orderGroup,
    topics: [ordersTopic],
    handle: async (message, context) => {
      attempts.push(context.attempt);
      await checkOrder(message, context);
    },
  });
  t.after(async () => {
    await Promise.all([references.stop(), orders.stop()]);
    const groups = [referenceGroup, orderGroup];
    await deleteConsumerGroups({ bootstrapServers, groups, clientId: 'test-cleanup' });
  });

  const customerId = randomUUID();
  const sku = uniqueSku();
  const order = orderCreated({ customerId, items: [{ sku, quantity: 1, unitPrice: 1500 }] });
  await producer.send([
    asPublished(productChanged(sku, { unitPrice: 1500 }), productsTopic, sku),
    asPublished(order, ordersTopic, customerId),
  ]);
  await Promise.all([references.start(), orders.start()]);

  await eventually('the order to be retried', async () => attempts.length >= 3);
  assert.equal(await verdictOf(order.orderId), null, 'no verdict while the customer is unknown');
  await producer.send([asPublished(customerChanged(customerId), customersTopic, customerId)]);

  const verdict = await eventually('the verdict', () => verdictOf(order.orderId));
  assert.deepEqual(verdict, { result: 'PASS', reason: null });
  assert.deepEqual(
    attempts,
    attempts.map((_, i) => i + 1),
    'one message, tried again and again',
  );
});

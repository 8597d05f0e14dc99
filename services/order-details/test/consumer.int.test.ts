import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { TopicName } from '@microshop/contracts';
import { createEventConsumer, createProducer, deleteConsumerGroups } from '@microshop/platform';
import {
  collectMessages,
  createTestTopics,
  eventually,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { customerChanged, orderCreated, productChanged, uniqueSku } from './fixtures.ts';
import { checkOrdersOn, copyReferencesOn, logger, migratedSchema } from './harness.ts';

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

test('an order whose customer is not copied yet is parked without holding its partition: the next order on it is checked at once, and the parked one passes when its customer arrives', async (t) => {
  // One partition, so the two orders are strictly one behind the other, as orders of two customers
  // hashed to the same partition are.
  const [ordersTopic, customersTopic, productsTopic, deadLetterTopic] = await createTestTopics(
    t,
    [
      { name: uniqueTopic('order-details-outbox'), partitions: 1 },
      { name: uniqueTopic('order-details-customers'), compacted: true },
      { name: uniqueTopic('order-details-products'), compacted: true },
      uniqueTopic('order-details-dlq'),
    ],
    bootstrapServers,
  );
  assert.ok(ordersTopic && customersTopic && productsTopic && deadLetterTopic);
  const producer = createProducer({ bootstrapServers, clientId: 'order-details-test', logger });
  t.after(() => producer.close());
  // Wired as main.ts wires them: one group for the copies, one for the orders, the consumer's default
  // retries. The grace period is a minute: an order holding its partition for it would time the test out.
  const referenceGroup = uniqueGroup('order-details-references');
  const orderGroup = uniqueGroup('order-details');
  const validationsTopic = uniqueTopic('order-details-validations') as TopicName;
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
    handle: copyReferencesOn(db.pool, validationsTopic, referenceGroup),
  });
  const checkOrder = checkOrdersOn(db.pool, { graceMs: 60_000, validationsTopic }, orderGroup);
  const calls: { orderId: unknown; attempt: number; at: number }[] = [];
  const orders = createEventConsumer({
    ...common,
    groupId: orderGroup,
    topics: [ordersTopic],
    handle: async (message, context) => {
      await checkOrder(message, context);
      const orderId = (message.value as { orderId?: unknown }).orderId;
      calls.push({ orderId, attempt: context.attempt, at: Date.now() });
    },
  });
  t.after(async () => {
    await Promise.all([references.stop(), orders.stop()]);
    const groups = [referenceGroup, orderGroup];
    await deleteConsumerGroups({ bootstrapServers, groups, clientId: 'test-cleanup' });
  });

  const sku = uniqueSku();
  const known = randomUUID();
  const unknown = randomUUID();
  const line = { sku, quantity: 1, unitPrice: 1500 };
  const waiting = orderCreated({ customerId: unknown, items: [line] });
  const behind = orderCreated({ customerId: known, items: [line] });
  await producer.send([
    asPublished(productChanged(sku, { unitPrice: 1500 }), productsTopic, sku),
    asPublished(customerChanged(known), customersTopic, known),
  ]);
  await references.start();
  await eventually('the copies', async () => {
    const copied = await db.pool.query('SELECT 1 FROM customers WHERE customer_id = $1', [known]);
    return copied.rowCount === 1;
  });
  await producer.send([asPublished(waiting, ordersTopic, unknown), asPublished(behind, ordersTopic, known)]);
  await orders.start();

  const verdict = await eventually('the verdict of the order behind the waiting one', () =>
    verdictOf(behind.orderId),
  );
  assert.deepEqual(verdict, { result: 'PASS', reason: null });
  assert.deepEqual(
    calls.map(({ orderId, attempt }) => ({ orderId, attempt })),
    [
      { orderId: waiting.orderId, attempt: 1 },
      { orderId: behind.orderId, attempt: 1 },
    ],
    'each order handled once, in partition order, the waiting one never retried',
  );
  const [first, second] = calls;
  assert.ok(first && second && second.at - first.at < 1_000, 'the order behind was not held back');
  assert.equal(await verdictOf(waiting.orderId), null, 'no verdict while the customer is unknown');

  await producer.send([asPublished(customerChanged(unknown), customersTopic, unknown)]);

  const late = await eventually('the verdict of the parked order', () => verdictOf(waiting.orderId));
  assert.deepEqual(late, { result: 'PASS', reason: null });
  const parked = await db.pool.query('SELECT 1 FROM pending_checks WHERE order_id = $1', [waiting.orderId]);
  assert.equal(parked.rowCount, 0);
  assert.equal(calls.length, 2, 'the parked order was not handled again');
  const deadLettered = await collectMessages({ topic: deadLetterTopic, timeoutMs: 500 });
  assert.deepEqual(deadLettered, []);
});

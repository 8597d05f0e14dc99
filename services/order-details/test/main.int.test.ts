import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProducer, deleteConsumerGroups } from '@microshop/platform';
import {
  createTestSchema,
  createTestTopics,
  eventually,
  fetchJson,
  startService,
  testDatabaseUrl,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { customerChanged, orderCreated, productChanged, uniqueSku } from './fixtures.ts';
import { logger } from './harness.ts';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const bootstrapServers = testKafkaBootstrapServers();

test('the process starts ready, copies customers and catalog, checks orders from Kafka, fails a parked order at its deadline and stops cleanly on SIGTERM', async (t) => {
  const db = await createTestSchema('order_details_main', t);
  const names = ['outbox', 'customers', 'products', 'dlq'].map((n) => uniqueTopic(`order-details-main-${n}`));
  const [ordersTopic, customersTopic, productsTopic, deadLetterTopic] = await createTestTopics(
    t,
    names,
    bootstrapServers,
  );
  assert.ok(ordersTopic && customersTopic && productsTopic && deadLetterTopic);
  const consumerGroup = uniqueGroup('order-details-main');
  const referenceGroup = uniqueGroup('order-details-main-references');
  const service = await startService(
    mainFile,
    {
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_SCHEMA: db.name,
      KAFKA_BOOTSTRAP_SERVERS: bootstrapServers,
      ORDER_EVENTS_TOPIC: ordersTopic,
      CUSTOMERS_TOPIC: customersTopic,
      PRODUCTS_TOPIC: productsTopic,
      DEAD_LETTER_TOPIC: deadLetterTopic,
      CONSUMER_GROUP: consumerGroup,
      REFERENCE_CONSUMER_GROUP: referenceGroup,
      INSTANCE_ID: 'order-details-1',
      REFERENCE_GRACE_MS: '1000',
    },
    t,
  );
  // After the process is gone; a member killed mid-test stays in its group until its session times out.
  const groups = [consumerGroup, referenceGroup];
  t.after(() => deleteConsumerGroups({ bootstrapServers, groups, clientId: 'test-cleanup' }).catch(() => {}));

  const sku = uniqueSku();
  const product = productChanged(sku, { unitPrice: 1200 });
  const order = orderCreated({ items: [{ sku, quantity: 3, unitPrice: 1200 }] });
  const customer = customerChanged(order.customerId);
  const stranger = orderCreated({ items: [{ sku, quantity: 1, unitPrice: 1200 }] });
  const producer = createProducer({ bootstrapServers, clientId: 'order-details-main-test', logger });
  t.after(() => producer.close());
  await producer.send([
    { topic: productsTopic, key: sku, value: product, headers: { id: product.id } },
    { topic: customersTopic, key: customer.customerId, value: customer, headers: { id: customer.id } },
    { topic: ordersTopic, key: stranger.customerId, value: stranger, headers: { id: stranger.id } },
    { topic: ordersTopic, key: order.customerId, value: order, headers: { id: order.id } },
  ]);

  const verdictOf = (orderId: string) =>
    eventually(`the verdict of ${orderId}`, async () => {
      const result = await db.pool.query('SELECT result, reason FROM order_checks WHERE order_id = $1', [
        orderId,
      ]);
      return result.rows[0] ?? null;
    });
  assert.deepEqual(await verdictOf(order.orderId), { result: 'PASS', reason: null });
  // Its customer never comes: parked, then failed by the deadline loop once the second of grace is over.
  assert.deepEqual(await verdictOf(stranger.orderId), {
    result: 'FAIL',
    reason: `unknown customer ${stranger.customerId}`,
  });
  const ready = await fetchJson(`${service.base}/ready`);
  assert.equal(ready?.status, 200);
  assert.match(JSON.stringify(ready?.body), /deadline loop/);

  assert.equal(await service.stop(), 0, service.output.join(''));
  assert.match(service.output.join(''), /"msg":"service stopped"/);
});

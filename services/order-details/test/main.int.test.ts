import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProducer } from '@microshop/platform';
import { eventually, fetchJson, startServiceProcess } from '@microshop/platform/testing';
import { customerChanged, orderCreated, productChanged, uniqueSku } from './fixtures.ts';
import { logger } from './harness.ts';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));

test('the process starts ready, copies customers and catalog, checks orders from Kafka, fails a parked order at its deadline and stops cleanly on SIGTERM', async (t) => {
  const { service, db, topics, bootstrapServers } = await startServiceProcess(mainFile, t, {
    name: 'order-details-main',
    topics: {
      ORDER_EVENTS_TOPIC: 'outbox',
      CUSTOMERS_TOPIC: 'customers',
      PRODUCTS_TOPIC: 'products',
      DEAD_LETTER_TOPIC: 'dlq',
    },
    groups: ['CONSUMER_GROUP', 'REFERENCE_CONSUMER_GROUP'],
    env: { REFERENCE_GRACE_MS: '1000' },
  });
  const {
    ORDER_EVENTS_TOPIC: ordersTopic,
    CUSTOMERS_TOPIC: customersTopic,
    PRODUCTS_TOPIC: productsTopic,
  } = topics;

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

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { Product, ProductChangedEvent } from '@microshop/contracts';
import { handleTransactionally } from '@microshop/platform';
import {
  consumedMessage,
  createConsumerTestBed,
  eventually,
  testKafkaBootstrapServers,
} from '@microshop/platform/testing';
import { copyCatalog } from '../src/handlers/catalog-copy.ts';
import { catalogPrices } from '../src/store/catalog.ts';
import { catalogReadiness } from '../src/tasks/catalog-readiness.ts';
import { givenOrdersSchema, silentLogger } from './support.ts';

// The orders service's copy of the catalog's prices, from the compacted products topic, and the
// readiness that waits for it.

const db = await givenOrdersSchema('orders_catalog');

function productChanged(sku: string, unitPrice: number, updatedAt: Date): ProductChangedEvent {
  const product: Product = {
    sku,
    name: sku,
    unitPrice,
    currency: 'EUR',
    stock: 10,
    reserved: 0,
    updatedAt: updatedAt.toISOString(),
  };
  return {
    id: randomUUID(),
    type: 'ProductChanged',
    occurredAt: updatedAt.toISOString(),
    source: 'inventory',
    sku,
    product,
  };
}

const uniqueSku = () => `CAPS-${randomUUID().slice(0, 8)}`.toUpperCase();

test('the copy takes a newer price and ignores an older one', async () => {
  const sku = uniqueSku();
  const copy = (event: ProductChangedEvent) =>
    handleTransactionally(
      copyCatalog(),
      { pool: db.pool, consumer: 'orders-catalog' },
      consumedMessage(event, { topic: 'microshop.products', key: event.sku }),
      silentLogger,
    );

  await copy(productChanged(sku, 1500, new Date('2026-01-02T00:00:00Z')));
  await copy(productChanged(sku, 1200, new Date('2026-01-01T00:00:00Z')));

  assert.deepEqual(
    await catalogPrices(db.pool, [sku, 'NO-SUCH-THING']),
    new Map([[sku, { unitPrice: 1500, currency: 'EUR' }]]),
  );
});

test('an instance is ready once the copy has caught up with the topic as it was, and stays ready', async (t) => {
  const bed = await createConsumerTestBed(t, {
    prefix: 'orders-catalog',
    logger: silentLogger,
    partitions: 2,
  });
  const skus = [uniqueSku(), uniqueSku(), uniqueSku()];
  await bed.producer.send(
    skus.map((sku) => ({ topic: bed.topic, key: sku, value: productChanged(sku, 800, new Date()) })),
  );
  const readiness = catalogReadiness({
    bootstrapServers: [testKafkaBootstrapServers()],
    group: bed.groupId,
    topic: bed.topic,
    pool: db.pool,
    clientId: 'orders-catalog-readiness-test',
  });

  assert.equal(await readiness.check(), false, 'nothing copied yet');
  await bed.consume(async (message, context) => {
    await handleTransactionally(
      copyCatalog(),
      { pool: db.pool, consumer: bed.groupId },
      message,
      context.logger,
    );
  });
  await eventually('the copy caught up', async () => (await readiness.check()) === true);

  assert.equal((await catalogPrices(db.pool, skus)).size, 3);
  assert.equal(await readiness.check(), true);
});

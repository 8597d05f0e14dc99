import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OrderEvent } from '@microshop/contracts';
import { collectMessages, createConsumerTestBed, eventually } from '@microshop/platform/testing';
import { createOrderEventHandler } from '../src/handlers/order-events.ts';
import { moved, orderEvent } from './fixtures.ts';
import { logger, migratedSchema, sandboxCarrier, shipmentOf, shippingDeps, startSandbox } from './harness.ts';

// The handler behind a real consumer group on real (unique) Kafka topics.

const db = await migratedSchema('shipments_consumer');

/** As Debezium's Outbox Event Router publishes them: key = customer id, header `id` = event id. */
function asPublished(event: OrderEvent | string, topic: string) {
  if (typeof event === 'string') return { topic, key: 'poison', value: event };
  return { topic, key: event.customerId, value: event, headers: { id: event.id } };
}

test('order events from Kafka, an approval delivered twice and one broken, book once, skip the cancelled order and park the broken one', async (t) => {
  const sandbox = await startSandbox(t);
  const bed = await createConsumerTestBed(t, { prefix: 'shipments-orders', logger, partitions: 2 });
  const deps = shippingDeps(db, sandboxCarrier(sandbox.url), 'http://127.0.0.1:9/cb', bed.groupId);
  const approved = orderEvent('APPROVED');
  const cancelledFirst = orderEvent('APPROVED');
  const broken = JSON.stringify({ ...orderEvent('APPROVED'), order: { id: 'nope' } });
  await bed.producer.send(
    [approved, broken, moved(cancelledFirst, 'CANCELLED'), approved, cancelledFirst].map((e) =>
      asPublished(e, bed.topic),
    ),
  );

  await bed.consume(createOrderEventHandler(deps));

  await eventually(
    'the shipment to be dispatched',
    async () => (await shipmentOf(db, approved.orderId))?.status === 'DISPATCHED',
  );
  const parked = await collectMessages({
    topic: bed.deadLetterTopic,
    count: 1,
    bootstrapServers: bed.bootstrapServers,
  });
  await eventually('every message to be committed', async () => (await bed.lag()) === 0n);

  assert.equal(sandbox.bookings(approved.orderId).length, 1);
  assert.equal(sandbox.bookings(cancelledFirst.orderId).length, 0);
  assert.equal(await shipmentOf(db, cancelledFirst.orderId), undefined);
  assert.equal(parked[0]?.rawValue, broken);
  assert.equal(parked[0]?.headers['dlq.topic'], bed.topic);
  // Three distinct events handled; the second copy of the approval (same id) found its inbox row.
  const handled = await db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [
    bed.groupId,
  ]);
  assert.equal(handled.rows[0]?.n, 3);
});

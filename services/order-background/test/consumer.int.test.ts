import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import type { OrderEvent } from '@microshop/contracts';
import { createConsumerTestBed, eventually } from '@microshop/platform/testing';
import { orderHistory } from './fixtures.ts';
import { asOperator, httpApp, issuer, logger, migratedSchema, orderEventHandler } from './harness.ts';

const db = await migratedSchema('order_background_consumer');
const app = await httpApp(db);
after(() => app.close());

/** As Debezium's Outbox Event Router publishes them: key = customer id, header `id` = event id. */
function asPublished(event: OrderEvent, topic: string) {
  return { topic, key: event.customerId, value: event, headers: { id: event.id } };
}

test('order events consumed from Kafka, one of them delivered twice, show up once on the timeline', async (t) => {
  const bed = await createConsumerTestBed(t, { prefix: 'order-background', logger, partitions: 3 });
  await bed.consume(orderEventHandler(db.pool, bed.groupId));

  const customerId = randomUUID();
  const [created, validated, approved] = orderHistory(['CREATED', 'VALIDATED', 'APPROVED'], { customerId });
  const [other] = orderHistory(['CREATED']);
  assert.ok(created && validated && approved && other);
  await bed.producer.send(
    [created, validated, validated, other, approved].map((e) => asPublished(e, bed.topic)),
  );

  const timeline = await eventually('the APPROVED entry on the timeline', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/orders/${created.orderId}/timeline`,
      headers: asOperator,
    });
    const body = response.statusCode === 200 ? response.json() : null;
    return body?.timeline.length === 3 ? body : null;
  });

  assert.deepEqual(timeline, {
    orderId: created.orderId,
    customerId,
    timeline: [created, validated, approved].map((e) => ({
      status: e.status,
      at: e.order.updatedAt,
      reasons: [],
    })),
  });
  const history = await app.inject({
    method: 'GET',
    url: `/api/v1/customers/${customerId}/orders`,
    headers: (await issuer.customer(customerId)).headers,
  });
  assert.deepEqual(history.json().orders, [approved.order]);
  await eventually("the other customer's order", () => otherSeen(other.orderId));
  // Four distinct events; the second copy of OrderValidated (same id) found its inbox row and was skipped.
  const handled = await db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [
    bed.groupId,
  ]);
  assert.equal(handled.rows[0]?.n, 4);
});

async function otherSeen(orderId: string): Promise<boolean> {
  const result = await db.pool.query('SELECT 1 FROM order_snapshots WHERE order_id = $1', [orderId]);
  return result.rowCount === 1;
}

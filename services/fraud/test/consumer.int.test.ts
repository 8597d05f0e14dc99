import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import type { OrderCreatedEvent, TopicName } from '@microshop/contracts';
import { asMessageHandler } from '@microshop/platform';
import { collectMessages, createConsumerTestBed, eventually, uniqueTopic } from '@microshop/platform/testing';
import { judgeOrders } from '../src/handlers/order-created.ts';
import { after as later, orderCreated } from './fixtures.ts';
import { asOperator, httpApp, logger, migratedSchema } from './harness.ts';

const db = await migratedSchema('fraud_consumer');
const app = await httpApp(db);
after(() => app.close());

/** As Debezium's Outbox Event Router publishes them: key = customer id, header `id` = event id. */
function asPublished(event: OrderCreatedEvent | Record<string, unknown>, topic: string) {
  const key = String((event as { customerId?: unknown }).customerId ?? randomUUID());
  return { topic, key, value: event, headers: { id: String(event.id) } };
}

test('orders consumed from Kafka, one delivered twice and one broken, are judged once each and the broken one is dead-lettered', async (t) => {
  const bed = await createConsumerTestBed(t, { prefix: 'fraud', logger, partitions: 3 });
  const validationsTopic = uniqueTopic('fraud-validations');
  await bed.consume(
    asMessageHandler(
      judgeOrders({
        rules: { gapMs: 3_600_000, limit: 200_000 },
        // Only a name here: without Debezium nothing is streamed; the verdicts are read back over HTTP.
        validationsTopic: validationsTopic as TopicName,
      }),
      { pool: db.pool, consumer: bed.groupId },
    ),
  );

  const start = new Date();
  const first = orderCreated({ total: 100_000, at: start });
  const second = orderCreated({ customerId: first.customerId, total: 100_000, at: later(start, 1_000) });
  const broken = { ...orderCreated(), id: randomUUID(), order: null };
  await bed.producer.send([first, second, second, broken].map((event) => asPublished(event, bed.topic)));

  const body = await eventually('both orders in the customer’s session', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/fraud/customers/${first.customerId}/sessions`,
      headers: asOperator,
    });
    const json = response.json();
    return json.sessions?.[0]?.orderCount === 2 ? json : null;
  });

  assert.deepEqual(
    body.sessions[0].orders.map((o: { orderId: string; result: string }) => [o.orderId, o.result]),
    [
      [first.orderId, 'PASS'],
      [second.orderId, 'FAIL'],
    ],
  );
  const parked = await collectMessages({
    topic: bed.deadLetterTopic,
    bootstrapServers: bed.bootstrapServers,
    count: 1,
  });
  assert.equal(parked[0]?.eventId, broken.id);
  assert.equal(parked[0]?.headers['dlq.group'], bed.groupId);
  // Two distinct orders handled; the second copy of the second order found its inbox row.
  const handled = await db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [
    bed.groupId,
  ]);
  assert.equal(handled.rows[0]?.n, 2);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProducer } from '@microshop/platform';
import {
  createTestSchema,
  createTestTopics,
  eventually,
  fetchJson,
  serveIssuer,
  startService,
  testDatabaseUrl,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { orderEvent } from './fixtures.ts';
import { issuer, logger } from './harness.ts';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const bootstrapServers = testKafkaBootstrapServers();

test('the process starts ready, projects events, expires stuck orders and stops cleanly on SIGTERM', async (t) => {
  const db = await createTestSchema('order_background_main', t);
  const [eventsTopic, deadLetterTopic] = await createTestTopics(
    t,
    [uniqueTopic('order-background-main'), uniqueTopic('order-background-main-dlq')],
    bootstrapServers,
  );
  assert.ok(eventsTopic && deadLetterTopic);
  const trusted = await serveIssuer(issuer, t);
  const service = await startService(
    mainFile,
    {
      ...trusted.env,
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_SCHEMA: db.name,
      KAFKA_BOOTSTRAP_SERVERS: bootstrapServers,
      ORDER_EVENTS_TOPIC: eventsTopic,
      DEAD_LETTER_TOPIC: deadLetterTopic,
      CONSUMER_GROUP: uniqueGroup('order-background-main'),
      WATCHDOG_CREATED_DEADLINE_MS: '1000',
      WATCHDOG_INTERVAL_MS: '50',
    },
    t,
  );

  const stuck = orderEvent('CREATED', { at: new Date(Date.now() - 10_000) });
  const producer = createProducer({ bootstrapServers, clientId: 'order-background-main-test', logger });
  t.after(() => producer.close());
  await producer.send([
    { topic: eventsTopic, key: stuck.customerId, value: stuck, headers: { id: stuck.id } },
  ]);

  const timeline = await eventually('the timeline over HTTP', async () => {
    const owner = (await issuer.customer(stuck.customerId)).headers;
    const answer = await fetchJson(`${service.base}/api/v1/orders/${stuck.orderId}/timeline`, owner);
    return answer?.status === 200 ? answer.body : null;
  });
  assert.deepEqual(timeline, {
    orderId: stuck.orderId,
    customerId: stuck.customerId,
    timeline: [{ status: 'CREATED', at: stuck.order.updatedAt, reasons: [] }],
  });
  await eventually('the watchdog to mark the expiry sent', async () => {
    const result = await db.pool.query(
      'SELECT 1 FROM order_deadlines WHERE order_id = $1 AND expiry_sent_at IS NOT NULL',
      [stuck.orderId],
    );
    return result.rowCount === 1;
  });

  assert.equal(await service.stop(), 0, service.output.join(''));
  assert.match(service.output.join(''), /"msg":"service stopped"/);
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { heartbeatEvent } from '@microshop/contracts';
import { createProducer } from '@microshop/platform';
import { eventually, fetchJson, startServiceProcess } from '@microshop/platform/testing';
import { orderEvent } from './fixtures.ts';
import { issuer, logger } from './harness.ts';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));

test('the process starts ready, projects events, expires stuck orders and stops cleanly on SIGTERM', async (t) => {
  const { service, db, topics, bootstrapServers } = await startServiceProcess(mainFile, t, {
    name: 'order-background-main',
    topics: { ORDER_EVENTS_TOPIC: 'orders', HEARTBEAT_TOPIC: 'heartbeats', DEAD_LETTER_TOPIC: 'dlq' },
    groups: ['CONSUMER_GROUP', 'FLOW_CONSUMER_GROUP'],
    issuer,
    env: { WATCHDOG_CREATED_DEADLINE_MS: '1000', WATCHDOG_INTERVAL_MS: '50' },
  });
  const eventsTopic = topics.ORDER_EVENTS_TOPIC;

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
  // Deadlines count only while events are proven to flow: until a heartbeat comes back, none is due.
  const deadlines = await db.pool.query(
    'SELECT 1 FROM order_deadlines WHERE order_id = $1 AND expiry_sent_at IS NOT NULL',
    [stuck.orderId],
  );
  assert.equal(deadlines.rowCount, 0, 'no expiry before the first heartbeat');
  const beat = heartbeatEvent('operations-test', { id: randomUUID(), at: new Date() });
  await producer.send([
    { topic: topics.HEARTBEAT_TOPIC, key: beat.instance, value: beat, headers: { id: beat.id } },
  ]);
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

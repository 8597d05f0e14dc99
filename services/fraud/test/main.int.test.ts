import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProducer } from '@microshop/platform';
import { eventually, fetchJson, startServiceProcess } from '@microshop/platform/testing';
import { after, orderCreated } from './fixtures.ts';
import { asOperator, issuer, logger } from './harness.ts';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));

test('the process starts ready with its configured limit, judges orders from Kafka and stops cleanly on SIGTERM', async (t) => {
  const { service, topics, bootstrapServers } = await startServiceProcess(mainFile, t, {
    name: 'fraud-main',
    topics: { ORDER_EVENTS_TOPIC: 'orders', DEAD_LETTER_TOPIC: 'dlq' },
    issuer,
    env: { FRAUD_LIMIT_MINOR: '10000' },
  });
  const eventsTopic = topics.ORDER_EVENTS_TOPIC;

  const start = new Date();
  const first = orderCreated({ total: 6_000, at: start });
  const second = orderCreated({ customerId: first.customerId, total: 4_000, at: after(start, 1_000) });
  const producer = createProducer({ bootstrapServers, clientId: 'fraud-main-test', logger });
  t.after(() => producer.close());
  await producer.send(
    [first, second].map((e) => ({ topic: eventsTopic, key: e.customerId, value: e, headers: { id: e.id } })),
  );

  const url = `${service.base}/api/v1/fraud/customers/${first.customerId}/sessions`;
  const sessions = await eventually('both orders judged over HTTP', async () => {
    const answer = (await fetchJson(url, asOperator))?.body as
      | { sessions?: { orders: { result: string }[] }[] }
      | undefined;
    return answer?.sessions?.[0]?.orders.length === 2 ? answer.sessions : null;
  });
  assert.ok(sessions);
  assert.deepEqual(
    sessions[0]?.orders.map((o) => o.result),
    ['PASS', 'FAIL'],
    'FRAUD_LIMIT_MINOR=10000: 60.00 + 40.00 reaches 100.00',
  );

  assert.equal(await service.stop(), 0, service.output.join(''));
  assert.match(service.output.join(''), /"msg":"service stopped"/);
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProducer } from '@microshop/platform';
import { eventually, startServiceProcess } from '@microshop/platform/testing';
import { allPass } from './fixtures.ts';
import { asOperator, issuer, logger } from './harness.ts';

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));

test('the process starts ready, decides an order from Kafka, serves it over HTTP and stops cleanly', async (t) => {
  const { service, topics, bootstrapServers } = await startServiceProcess(mainFile, t, {
    name: 'validation-aggregator-main',
    topics: { VALIDATIONS_TOPIC: 'validations', DEAD_LETTER_TOPIC: 'dlq' },
    issuer,
  });
  const validationsTopic = topics.VALIDATIONS_TOPIC;

  const orderId = randomUUID();
  const producer = createProducer({ bootstrapServers, clientId: 'validation-aggregator-main-test', logger });
  t.after(() => producer.close());
  await producer.send(
    allPass(orderId).map((event) => ({
      topic: validationsTopic,
      key: orderId,
      value: event,
      headers: { id: event.id },
    })),
  );

  const decision = await eventually('the decision over HTTP', async () => {
    const response = await fetch(`${service.base}/api/v1/validations/${orderId}`, { headers: asOperator });
    if (response.status !== 200) return null;
    const body = (await response.json()) as { decision: { outcome: string } | null };
    return body.decision;
  });
  assert.equal(decision.outcome, 'VALIDATED');

  assert.equal(await service.stop(), 0, service.output.join(''));
  assert.match(service.output.join(''), /"msg":"service stopped"/);
});

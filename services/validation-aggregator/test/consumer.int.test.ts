import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { OrderValidationEvent } from '@microshop/contracts';
import { asMessageHandler } from '@microshop/platform';
import { collectMessages, createConsumerTestBed, eventually } from '@microshop/platform/testing';
import { aggregateValidations } from '../src/handlers/validation-results.ts';
import { allPass, validation } from './fixtures.ts';
import { logger, migratedSchema } from './harness.ts';

const db = await migratedSchema('validation_aggregator_consumer');

/** As Debezium's Outbox Event Router publishes them: key = order id, header `id` = event id. */
function asPublished(event: OrderValidationEvent, topic: string) {
  return { topic, key: event.orderId, value: event, headers: { id: event.id } };
}

async function decisionOf(orderId: string): Promise<string | null> {
  const result = await db.pool.query('SELECT outcome FROM validation_decisions WHERE order_id = $1', [
    orderId,
  ]);
  return result.rows[0]?.outcome ?? null;
}

test('results consumed from Kafka, duplicated and mixed with a poison message, decide each order once', async (t) => {
  const bed = await createConsumerTestBed(t, { prefix: 'validation-aggregator', logger, partitions: 3 });
  const validated = randomUUID();
  const rejected = randomUUID();
  const [fraud, inventory, details] = allPass(validated);
  assert.ok(fraud && inventory && details);
  const fail = validation('FRAUD', 'FAIL', { orderId: rejected, reason: 'session total over 2000.00' });
  const poison = { topic: bed.topic, key: rejected, value: { type: 'OrderValidation', orderId: 'nope' } };

  await bed.producer.send([
    asPublished(fraud, bed.topic),
    asPublished(inventory, bed.topic),
    asPublished(inventory, bed.topic),
    poison,
    asPublished(fail, bed.topic),
    asPublished(validation('INVENTORY', 'PASS', { orderId: rejected }), bed.topic),
    asPublished(details, bed.topic),
    asPublished(validation('ORDER_DETAILS', 'FAIL', { orderId: validated }), bed.topic),
  ]);
  await bed.consume(
    asMessageHandler(aggregateValidations({ decisionsTopic: 'microshop.order-decisions' }), {
      pool: db.pool,
      consumer: bed.groupId,
    }),
  );

  await eventually(
    'both orders decided',
    async () => (await decisionOf(validated)) && (await decisionOf(rejected)),
  );
  await eventually('every message committed', async () => (await bed.lag()) === 0n);

  assert.equal(await decisionOf(validated), 'VALIDATED');
  assert.equal(await decisionOf(rejected), 'REJECTED');
  const parked = await collectMessages({
    topic: bed.deadLetterTopic,
    count: 1,
    bootstrapServers: bed.bootstrapServers,
  });
  assert.deepEqual(parked[0]?.value, poison.value);
  const decisions = await db.pool.query('SELECT count(*)::int AS n FROM validation_decisions');
  assert.equal(decisions.rows[0]?.n, 2);
});

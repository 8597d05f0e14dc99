import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { consumerLag, createProducer, deleteConsumerGroups } from '@microshop/platform';
import {
  createTestTopics,
  eventually,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { type DeadLetterRecord, startDeadLetterReader } from '../src/clients/dead-letter-reader.ts';
import { indexOrderFlow } from '../src/handlers/order-flow.ts';
import { logger, migratedSchema } from './harness.ts';

// The order-flow index as the service runs it, on the real Kafka and PostgreSQL: the reader takes the
// records in batches, indexes each batch in one statement and commits its offsets once.

const db = await migratedSchema('operations_order_flow');
const bootstrapServers = testKafkaBootstrapServers();

async function flowRows(orderIds: readonly string[]): Promise<{ order_id: string; type: string }[]> {
  const result = await db.pool.query(
    `SELECT order_id, type FROM order_flow WHERE order_id = ANY($1::uuid[]) ORDER BY "offset", topic`,
    [orderIds],
  );
  return result.rows;
}

describe('the order-flow reader', () => {
  test('indexes the records in batches, one row per record naming an order, and commits them all', async (t) => {
    const [orders, payments] = await createTestTopics(t, [
      { name: uniqueTopic('ops-flow-orders'), partitions: 2 },
      uniqueTopic('ops-flow-payments'),
    ]);
    assert.ok(orders && payments);
    const groupId = uniqueGroup('ops-flow');
    // After the body, which stops both readers: a group with members cannot be deleted.
    t.after(() =>
      deleteConsumerGroups({
        bootstrapServers: [bootstrapServers],
        groups: [groupId],
        clientId: 'test-cleanup',
      }),
    );
    const producer = createProducer({ bootstrapServers, clientId: 'ops-flow-test', logger });
    t.after(() => producer.close());
    const orderIds = Array.from({ length: 15 }, () => randomUUID());
    await producer.send([
      ...orderIds.map((orderId) => ({
        topic: orders,
        key: orderId,
        value: { type: 'OrderCreated', orderId },
      })),
      ...orderIds.map((orderId) => ({
        topic: payments,
        key: orderId,
        value: { type: 'PaymentSucceeded', orderId },
      })),
      { topic: payments, key: 'x', value: { type: 'Heartbeat' } }, // names no order: no row
    ]);

    const batches: number[] = [];
    const index = indexOrderFlow(db.pool);
    const startReader = () =>
      startDeadLetterReader({
        bootstrapServers: [bootstrapServers],
        topic: [orders, payments],
        groupId,
        clientId: 'ops-flow-test',
        logger,
        index: async (records: readonly DeadLetterRecord[]) => {
          batches.push(records.length);
          await index(records);
        },
        maxBatch: 8,
        lingerMs: 50,
      });
    const reader = await startReader();
    try {
      await eventually('every record indexed', async () =>
        (await flowRows(orderIds)).length === 30 ? true : undefined,
      );
    } finally {
      await reader.stop();
    }

    const rows = await flowRows(orderIds);
    assert.deepEqual(new Set(rows.map((row) => row.order_id)), new Set(orderIds));
    assert.deepEqual(
      rows.filter((row) => row.type === 'PaymentSucceeded').length,
      15,
      'each topic’s records are rows of their own',
    );
    assert.equal(
      batches.reduce((sum, size) => sum + size, 0),
      31,
    );
    assert.ok(Math.max(...batches) <= 8, `no batch over maxBatch: ${batches}`);
    assert.ok(batches.length < 31, `records fetched together are indexed together: ${batches}`);
    const lag = await consumerLag({ bootstrapServers, groupId, topics: [orders, payments] });
    assert.deepEqual(
      lag.map((partition) => partition.lag),
      [0n, 0n, 0n],
      'every batch committed',
    );

    // Started again, the group goes on after its commits: only a new record is indexed.
    batches.length = 0;
    const later = randomUUID();
    await producer.send([
      { topic: payments, key: later, value: { type: 'PaymentRefunded', orderId: later } },
    ]);
    const again = await startReader();
    try {
      await eventually('the new record indexed', async () =>
        (await flowRows([later])).length === 1 ? true : undefined,
      );
    } finally {
      await again.stop();
    }
    assert.deepEqual(batches, [1]);
  });
});

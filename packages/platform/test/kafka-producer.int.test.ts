import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProducer } from '../src/kafka/producer.ts';
import {
  collectMessages,
  createTestTopics,
  type TestTopic,
  testKafkaBootstrapServers,
  uniqueTopic,
} from '../src/testing/kafka.ts';
import type { CleanupRegistrar } from '../src/testing/schema.ts';
import { testLogger } from '../src/testing/service.ts';

const bootstrapServers = testKafkaBootstrapServers();
const logger = testLogger('producer-test');

/** A topic of the test's own and a producer, both gone after the test. */
async function topicWithProducer(t: CleanupRegistrar, spec: TestTopic, clientId = 'producer-test') {
  const [topic] = await createTestTopics(t, [spec], bootstrapServers);
  assert.ok(topic);
  const producer = createProducer({ bootstrapServers, clientId, logger });
  t.after(() => producer.close());
  return { topic, producer };
}

describe('producer', { timeout: 60_000 }, () => {
  it('sends objects as JSON, strings as text and null as a tombstone, with string keys and headers', async (t) => {
    const { topic, producer } = await topicWithProducer(t, { name: uniqueTopic('producer-values') });
    const offsets = await producer.send([
      {
        topic,
        key: 'order-1',
        value: { id: 'evt-1', total: 1250 },
        headers: { id: 'evt-1', type: 'OrderCreated' },
      },
      { topic, key: 'order-1', value: 'plain text' },
      { topic, key: 'order-1', value: null },
    ]);
    assert.deepEqual(
      offsets,
      [{ topic, partition: 0, offset: 0n }],
      'one entry per partition, at its first offset',
    );

    const messages = await collectMessages({ bootstrapServers, topic, count: 3 });
    assert.deepEqual(
      messages.map((m) => ({
        key: m.key,
        value: m.value,
        rawValue: m.rawValue,
        headers: m.headers,
        eventId: m.eventId,
      })),
      [
        {
          key: 'order-1',
          value: { id: 'evt-1', total: 1250 },
          rawValue: '{"id":"evt-1","total":1250}',
          headers: { id: 'evt-1', type: 'OrderCreated' },
          eventId: 'evt-1',
        },
        { key: 'order-1', value: 'plain text', rawValue: 'plain text', headers: {}, eventId: null },
        { key: 'order-1', value: null, rawValue: null, headers: {}, eventId: null },
      ],
    );
  });

  it("puts a key on the partition Java's client (Kafka Connect, Debezium) would pick", async (t) => {
    const { topic, producer } = await topicWithProducer(t, {
      name: uniqueTopic('producer-partition'),
      partitions: 3,
    });
    // Java: Utils.toPositive(Utils.murmur2("21")) % 3 = 0 (murmur2("21") = -973932308, from Kafka's UtilsTest).
    // The library's default partitioner would choose partition 2.
    const [produced] = await producer.send([{ topic, key: '21', value: { n: 1 } }]);
    assert.equal(produced?.partition, 0);
  });

  it('refuses to send after close', async () => {
    const producer = createProducer({ bootstrapServers, clientId: 'producer-test', logger });
    await producer.close();
    await assert.rejects(producer.send([{ topic: 'any', value: {} }]), /closed/);
  });
});

describe('collectMessages', { timeout: 60_000 }, () => {
  it('returns exactly `count` messages, or everything that arrived within timeoutMs when no count is given', async (t) => {
    const { topic, producer } = await topicWithProducer(t, { name: uniqueTopic('collect') }, 'collect-test');
    await producer.send([1, 2, 3].map((n) => ({ topic, key: 'k', value: { n } })));

    const two = await collectMessages({ bootstrapServers, topic, count: 2 });
    assert.deepEqual(
      two.map((m) => m.value),
      [{ n: 1 }, { n: 2 }],
    );
    const all = await collectMessages({ bootstrapServers, topic, timeoutMs: 1_500 });
    assert.deepEqual(
      all.map((m) => m.value),
      [{ n: 1 }, { n: 2 }, { n: 3 }],
    );
    await assert.rejects(
      collectMessages({ bootstrapServers, topic, count: 4, timeoutMs: 1_000 }),
      /got 3 message/,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createProducer } from '../src/kafka/producer.ts';
import {
  collectMessages,
  createTestTopics,
  testKafkaBootstrapServers,
  uniqueTopic,
} from '../src/testing/kafka.ts';

const bootstrapServers = testKafkaBootstrapServers();
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

describe('producer', { timeout: 60_000 }, () => {
  it('sends objects as JSON, strings as text and null as a tombstone, with string keys and headers', async (t) => {
    const [topic] = await createTestTopics(t, [uniqueTopic('producer-values')], bootstrapServers);
    assert.ok(topic);
    const producer = createProducer({ bootstrapServers, clientId: 'producer-test', logger });
    t.after(() => producer.close());
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
    const [topic] = await createTestTopics(
      t,
      [{ name: uniqueTopic('producer-partition'), partitions: 3 }],
      bootstrapServers,
    );
    assert.ok(topic);
    const producer = createProducer({ bootstrapServers, clientId: 'producer-test', logger });
    t.after(() => producer.close());
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
    const [topic] = await createTestTopics(t, [uniqueTopic('collect')], bootstrapServers);
    assert.ok(topic);
    const producer = createProducer({ bootstrapServers, clientId: 'collect-test', logger });
    t.after(() => producer.close());
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

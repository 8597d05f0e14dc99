import { createTestTopics, testKafkaBootstrapServers, uniqueTopic } from '@microshop/platform/testing';
import { ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka';
import { createKafkaBrowser, type KafkaBrowser } from '../src/clients/kafka-browser.ts';
import { createGroupAdmin } from '../src/clients/kafka-groups.ts';
import { recordTimesOf } from '../src/tasks/lag-ages.ts';
import { issuer, migratedSchema, opsApp } from './harness.ts';

// The console's Kafka tests share this: a two-partition topic of records with known times (record i
// at base + i seconds, on partition i % 2, an e-mail address in every value), the console's Kafka
// reader and group admin on the test stack, and the operations app with them, for an operator.

export const base = Date.now() - 120_000;

type TestContext = Parameters<typeof createTestTopics>[0];

export interface KafkaBedOptions {
  records?: number;
  /** Wraps the reader (a test that holds a scan in the middle of a fetch). */
  wrap?: (kafka: KafkaBrowser) => KafkaBrowser;
}

export async function kafkaBed(t: TestContext, schema: string, options: KafkaBedOptions = {}) {
  const db = await migratedSchema(schema, t);
  const [topic] = await createTestTopics(t, [{ name: uniqueTopic('ops-console'), partitions: 2 }]);
  if (topic === undefined) throw new Error('no topic');
  await produce(topic, options.records ?? 20);
  const connection = { bootstrapServers: [testKafkaBootstrapServers()], clientId: 'ops-console-test' };
  const real = createKafkaBrowser(connection);
  const groups = createGroupAdmin(connection);
  const kafka = options.wrap ? options.wrap(real) : real;
  const { app, samples } = await opsApp(db, undefined, { kafka, groups, recordTimes: recordTimesOf(real) });
  t.after(async () => {
    await app.close();
    await Promise.allSettled([real.close(), groups.close()]);
  });
  const operator = await issuer.operator('ops-console-operator');
  return { db, topic, kafka, groups, app, samples, headers: operator.headers, subject: operator.subject };
}

/** A producer of the test stack's Kafka that, as the kit's, writes nothing twice when a request is retried. */
export function testProducer(clientId: string) {
  return new Producer({
    clientId,
    bootstrapBrokers: [testKafkaBootstrapServers()],
    serializers: { headerKey: stringSerializer },
    idempotent: true,
    acks: ProduceAcks.ALL,
  });
}

export async function produce(topic: string, count: number): Promise<void> {
  if (count === 0) return;
  const producer = testProducer('ops-console-test');
  await producer.send({
    messages: Array.from({ length: count }, (_, i) => ({
      topic,
      partition: i % 2,
      key: Buffer.from(`key-${i}`),
      value: Buffer.from(
        JSON.stringify({
          type: i % 5 === 0 ? 'Heartbeat' : 'OrderCreated',
          n: i,
          email: `ann.${i}@example.com`,
        }),
      ),
      headers: { source: Buffer.from(i < 10 ? 'early' : 'late') },
      timestamp: BigInt(base + i * 1000),
    })),
  });
  await producer.close();
}

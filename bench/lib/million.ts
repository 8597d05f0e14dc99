// A topic of a million records for the message browser's benchmark, produced in batches (each send
// a few thousand records per partition) with a small JSON value like an order event's envelope.
import { randomUUID } from 'node:crypto';
import { ensureTopics } from '@microshop/platform';
import { ProduceAcks, Producer, stringSerializer } from '@platformatic/kafka';

export async function produceRecords(
  bootstrap: string,
  topic: string,
  count: number,
  partitions = 3,
): Promise<number> {
  await ensureTopics({
    bootstrapServers: bootstrap,
    clientId: 'bench-web',
    topics: [{ name: topic, partitions, replicationFactor: 1 }],
  });
  const producer = new Producer({
    clientId: 'bench-web',
    bootstrapBrokers: [bootstrap],
    acks: ProduceAcks.LEADER,
    serializers: { headerKey: stringSerializer },
  });
  const started = performance.now();
  const batch = 5_000;
  const inFlight = new Set<Promise<unknown>>();
  for (let sent = 0; sent < count; sent += batch) {
    const messages = Array.from({ length: Math.min(batch, count - sent) }, (_, i) => {
      const n = sent + i;
      const orderId = randomUUID();
      return {
        topic,
        partition: n % partitions,
        key: Buffer.from(orderId),
        value: Buffer.from(
          JSON.stringify({
            type: n % 7 === 0 ? 'OrderShipped' : 'OrderCreated',
            orderId,
            n,
            source: 'bench',
          }),
        ),
        headers: { type: Buffer.from('bench') },
      };
    });
    const sending: Promise<unknown> = producer.send({ messages }).then(() => inFlight.delete(sending));
    inFlight.add(sending);
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await producer.close();
  return performance.now() - started;
}

// Kafka helpers for end-to-end tests: read what the stack published about some orders, produce
// messages again as a redelivery would, and wait until a service's consumer group has handled them.
import { randomUUID } from 'node:crypto';
import { topics } from '@microshop/contracts';
import {
  consumerLag,
  createLogger,
  createProducer,
  listTopicNames,
  type OutgoingMessage,
  type PartitionLag,
} from '@microshop/platform';
import {
  type CollectedMessage,
  collectMessages,
  testKafkaBootstrapServers,
} from '@microshop/platform/testing';

const logger = createLogger({ service: 'e2e', level: 'warn' });

/** The consumer groups of `microshop.order-outbox`: every service that reacts to an order's status. */
export const orderOutboxConsumers = [
  'inventory',
  'inventory-order-fates',
  'fraud',
  'order-details',
  'order-background',
  'notifications',
  'payments',
  'shipments',
] as const;

/** Every partition of the topics with its log end offset (`end`), read as a group that never commits. */
function logEndOffsets(topicNames: readonly string[]): Promise<PartitionLag[]> {
  return consumerLag({
    bootstrapServers: testKafkaBootstrapServers(),
    clientId: 'e2e-offsets',
    groupId: 'e2e-no-such-group',
    topics: [...topicNames],
  });
}

/** The `orderId` of an event value, if it has one. */
export function orderIdOf(message: CollectedMessage): string | undefined {
  const value = message.value as { orderId?: unknown } | null;
  return typeof value?.orderId === 'string' ? value.orderId : undefined;
}

/**
 * Every message of `topic` about one of `orderIds`, read from the beginning until `until` holds for
 * them (by default: at least one message per order).
 */
export async function messagesAbout(
  topic: string,
  orderIds: readonly string[],
  options: {
    until?: (mine: readonly CollectedMessage[]) => boolean;
    timeoutMs?: number;
    bootstrapServers?: string;
  } = {},
): Promise<CollectedMessage[]> {
  const wanted = new Set(orderIds);
  const mineOf = (ms: readonly CollectedMessage[]) => ms.filter((m) => wanted.has(orderIdOf(m) ?? ''));
  const until = options.until ?? ((mine) => orderIds.every((id) => mine.some((m) => orderIdOf(m) === id)));
  const all = await collectMessages({
    topic,
    bootstrapServers: options.bootstrapServers,
    until: (ms) => until(mineOf(ms)),
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  return mineOf(all);
}

/**
 * Every message of `topic` about `orderIds` among all the topic holds now: read up to the log end
 * offsets of every partition as they are when called, so nothing written before is missed.
 */
export async function allMessagesAbout(
  topic: string,
  orderIds: readonly string[],
): Promise<CollectedMessage[]> {
  const wanted = new Set(orderIds);
  return (await everyMessage(topic)).filter((m) => wanted.has(orderIdOf(m) ?? ''));
}

/** Every message `topic` holds now, from the beginning up to the log end offsets when called. */
export async function everyMessage(topic: string): Promise<CollectedMessage[]> {
  const partitions = await logEndOffsets([topic]);
  const last = new Map(partitions.filter((p) => p.lag > 0n).map((p) => [p.partition, p.end - 1n]));
  if (last.size === 0) return [];
  return collectMessages({
    topic,
    until: (ms) =>
      [...last].every(([partition, offset]) =>
        ms.some((m) => m.partition === partition && m.offset >= offset),
      ),
    timeoutMs: 30_000,
  });
}

/** Every topic of the test stack's Kafka (its internal consumer-offsets topic aside). */
export function everyTopic(): Promise<string[]> {
  return listTopicNames({ bootstrapServers: testKafkaBootstrapServers(), clientId: 'e2e-topics' });
}

/** The decisions of the validation aggregator about these orders (`microshop.order-decisions`). */
export function decisionsOf(
  orderIds: readonly string[],
  until?: (mine: readonly CollectedMessage[]) => boolean,
) {
  return messagesAbout(topics.orderDecisions, orderIds, { until });
}

/** Counts messages per order id. */
export function countByOrder(messages: readonly CollectedMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) {
    const id = orderIdOf(m);
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/**
 * A message exactly as it was consumed: the same key, value and headers (bytes, as UTF-8 text was
 * decoded from them), so the copy is what a broker redelivery or a replaying connector would hand over.
 */
export function sameBytes(message: CollectedMessage): OutgoingMessage {
  return {
    topic: message.topic,
    key: message.key,
    value: message.rawValue,
    headers: { ...message.headers },
  };
}

/**
 * Produces the messages and returns, per partition of each topic written to, the log end offset
 * right after: a consumer group that has committed up to there has handled them.
 */
export async function produce(messages: readonly OutgoingMessage[]): Promise<Map<string, bigint>> {
  const producer = createProducer({
    bootstrapServers: testKafkaBootstrapServers(),
    clientId: 'e2e-redelivery',
    logger,
  });
  try {
    const written = await producer.send(messages);
    const touched = new Set(written.map((w) => `${w.topic}:${w.partition}`));
    const targets = new Map<string, bigint>();
    for (const topic of new Set(written.map((w) => w.topic))) {
      for (const p of await logEndOffsets([topic])) {
        const key = `${p.topic}:${p.partition}`;
        if (touched.has(key)) targets.set(key, p.end);
      }
    }
    return targets;
  } finally {
    await producer.close();
  }
}

/**
 * Waits until every group has committed, on every partition in `targets`, at least the target
 * offset: the services behind those groups have handled (and committed the effects of) everything
 * written there before.
 */
export async function waitForGroups(
  groups: readonly string[],
  targets: Map<string, bigint>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const topicNames = [...new Set([...targets.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))];
  const behind: string[] = [];
  for (;;) {
    behind.length = 0;
    for (const groupId of groups) {
      const lag = await consumerLag({
        bootstrapServers: testKafkaBootstrapServers(),
        clientId: 'e2e-offsets',
        groupId,
        topics: topicNames,
      });
      for (const p of lag) {
        const target = targets.get(`${p.topic}:${p.partition}`);
        if (target !== undefined && (p.committed ?? -1n) < target)
          behind.push(`${groupId} at ${p.committed} < ${target} on ${p.topic}:${p.partition}`);
      }
    }
    if (behind.length === 0) return;
    if (Date.now() > deadline) throw new Error(`consumer groups did not catch up: ${behind.join('; ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Waits until every group has handled everything the topics hold now: a message written before the
 * call has been handled (and its effects committed) by each group once this returns.
 */
export async function groupsCaughtUp(
  groups: readonly string[],
  topicNames: readonly string[],
  timeoutMs = 30_000,
): Promise<void> {
  const targets = new Map<string, bigint>();
  for (const p of await logEndOffsets(topicNames))
    if (p.end > 0n) targets.set(`${p.topic}:${p.partition}`, p.end);
  await waitForGroups(groups, targets, timeoutMs);
}

/**
 * An OrderCreated whose order breaks the schema (and an `e2e-marker` header naming the order): every
 * group that reads OrderCreated parks it on the dead-letter topic. Says where it was written.
 */
export async function producePoison(orderId: string) {
  const producer = createProducer({
    bootstrapServers: testKafkaBootstrapServers(),
    clientId: 'e2e-poison',
    logger,
  });
  const value = {
    id: randomUUID(),
    type: 'OrderCreated',
    occurredAt: new Date().toISOString(),
    source: 'orders',
    orderId,
    customerId: randomUUID(),
    order: { total: 'a lot' },
  };
  try {
    const [at] = await producer.send([
      { topic: topics.orderOutbox, key: value.customerId, value, headers: { 'e2e-marker': orderId } },
    ]);
    if (at === undefined) throw new Error('the poison record was not written');
    return { topic: topics.orderOutbox, partition: at.partition, offset: at.offset };
  } finally {
    await producer.close();
  }
}

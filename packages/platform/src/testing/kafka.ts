import { randomBytes } from 'node:crypto';
import { Consumer, type Message } from '@platformatic/kafka';
import type { Logger } from 'pino';
import { defaultKafkaBootstrapServers } from '../config.ts';
import { consumerLag, deleteConsumerGroups, deleteTopics, ensureTopics } from '../kafka/admin.ts';
import { type ConsumedMessage, decodeHeaders, eventIdOf } from '../kafka/codec.ts';
import { createEventConsumer, type EventConsumer, type EventConsumerOptions } from '../kafka/consumer.ts';
import { brokerList } from '../kafka/options.ts';
import { createProducer, type EventProducer } from '../kafka/producer.ts';
import type { CleanupRegistrar } from './schema.ts';

/**
 * Helpers for tests against the real Kafka. Each test owns its topics and groups: names are unique
 * so test files run in parallel on one broker, and topics are deleted when the test is done.
 */

/** `KAFKA_BOOTSTRAP_SERVERS`, else the project stack's broker. */
export function testKafkaBootstrapServers(): string {
  const servers = process.env.KAFKA_BOOTSTRAP_SERVERS;
  return servers === undefined || servers.trim() === '' ? defaultKafkaBootstrapServers : servers;
}

/** `<prefix>-<random>`, restricted to the characters Kafka allows in topic names. */
export function uniqueTopic(prefix: string): string {
  const clean = prefix.replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 100);
  return `${clean}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A consumer group id no other test uses. */
export function uniqueGroup(prefix: string): string {
  return uniqueTopic(`group-${prefix}`);
}

export interface TestTopic {
  name: string;
  /** Default 1. */
  partitions?: number;
  compacted?: boolean;
}

/**
 * Creates the topics (replication factor 1, partitions 1 unless said) and registers their deletion
 * with `t.after` first, so even a half-done creation is cleaned up.
 */
export async function createTestTopics(
  t: CleanupRegistrar,
  topics: readonly (TestTopic | string)[],
  bootstrapServers: string = testKafkaBootstrapServers(),
): Promise<string[]> {
  const specs = topics.map((topic) => (typeof topic === 'string' ? { name: topic } : topic));
  const names = specs.map((spec) => spec.name);
  t.after(() => deleteTopics({ bootstrapServers, topics: names, clientId: 'test-cleanup' }));
  await ensureTopics({
    bootstrapServers,
    clientId: 'test-setup',
    topics: specs.map((spec) => ({
      name: spec.name,
      partitions: spec.partitions ?? 1,
      replicationFactor: 1,
      compacted: spec.compacted ?? false,
    })),
  });
  return names;
}

/** A consumed message whose value is JSON when it parses, else the raw text, with the raw text kept. */
export interface CollectedMessage extends ConsumedMessage {
  rawValue: string | null;
}

export interface CollectOptions {
  topic: string;
  bootstrapServers?: string;
  /** Stop once this many messages are collected. */
  count?: number;
  /** Stop once this returns true for the messages collected so far. */
  until?: (messages: readonly CollectedMessage[]) => boolean;
  /**
   * With `count` or `until`: fail if not satisfied in time (default 10 s). Without either: collect
   * for this long and return whatever arrived.
   */
  timeoutMs?: number;
}

/**
 * Reads a topic from the beginning with a throwaway consumer group (deleted afterwards) and returns
 * the decoded messages in the order they were received (offset order within a partition).
 */
export async function collectMessages(options: CollectOptions): Promise<CollectedMessage[]> {
  const bootstrapServers = options.bootstrapServers ?? testKafkaBootstrapServers();
  const groupId = uniqueGroup('collect');
  const consumer = new Consumer({
    clientId: 'test-collector',
    groupId,
    bootstrapBrokers: brokerList(bootstrapServers),
    autocommit: false,
  });
  const collected: CollectedMessage[] = [];
  const bounded = options.count !== undefined || options.until !== undefined;
  const done = (): boolean =>
    (options.count !== undefined && collected.length >= options.count) ||
    (options.until?.(collected) ?? false);
  try {
    const stream = await consumer.consume({
      topics: [options.topic],
      mode: 'earliest',
      autocommit: false,
      maxWaitTime: 200,
    });
    let failure: Error | undefined;
    let settled = false;
    const satisfied = await new Promise<boolean>((resolve) => {
      const settle = (result: boolean) => {
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const timer = setTimeout(() => settle(false), options.timeoutMs ?? 10_000);
      if (bounded && done()) settle(true);
      stream.once('error', (error) => {
        failure = error;
        settle(false);
      });
      stream.on('data', (message) => {
        // Fetched messages keep coming until the stream closes: return just what satisfied the caller.
        if (settled) return;
        collected.push(toCollected(message));
        if (bounded && done()) settle(true);
      });
    });
    await stream.close();
    if (failure) throw failure;
    if (bounded && !satisfied) {
      throw new Error(
        `collectMessages(${options.topic}): condition not met in time; got ${collected.length} message(s): ${describe(collected)}`,
      );
    }
    return collected;
  } finally {
    await consumer.close(true);
    await deleteConsumerGroups({ bootstrapServers, groups: [groupId], clientId: 'test-cleanup' }).catch(
      () => {},
    );
  }
}

function toCollected(message: Message<Buffer, Buffer, Buffer, Buffer>): CollectedMessage {
  const headers = decodeHeaders(message.headers);
  const rawValue = message.value && message.value.length > 0 ? message.value.toString('utf8') : null;
  let value: unknown = rawValue;
  try {
    value = rawValue === null ? null : JSON.parse(rawValue);
  } catch {
    // not JSON (a poison message on a dead-letter topic): keep the text
  }
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value,
    rawValue,
    headers,
    timestamp: new Date(Number(message.timestamp)),
    eventId: eventIdOf(headers, value),
  };
}

function describe(messages: readonly CollectedMessage[]): string {
  return JSON.stringify(
    messages.map((m) => ({
      partition: m.partition,
      offset: String(m.offset),
      key: m.key,
      value: m.rawValue,
    })),
  );
}

/** How many messages a topic holds (log end minus log start, summed over partitions). */
export async function countMessages(
  topic: string,
  bootstrapServers: string = testKafkaBootstrapServers(),
): Promise<number> {
  const lags = await consumerLag({
    bootstrapServers,
    clientId: 'test-count',
    groupId: uniqueGroup('count'),
    topics: [topic],
  });
  return lags.reduce((sum, partition) => sum + Number(partition.lag), 0);
}

/** A topic, its own dead-letter topic, a group id and a producer: what a consumer test needs. */
export interface ConsumerTestBed {
  bootstrapServers: string;
  topic: string;
  deadLetterTopic: string;
  groupId: string;
  producer: EventProducer;
  /**
   * Starts a consumer of `topic` in `groupId` that dead-letters to `deadLetterTopic` (20 ms retry
   * backoff unless overridden). Resolves once it has joined the group; it is stopped after the test.
   */
  consume(
    handle: EventConsumerOptions['handle'],
    overrides?: Partial<EventConsumerOptions>,
  ): Promise<EventConsumer>;
  /** Messages of `topic` the group has not committed yet. */
  lag(): Promise<bigint>;
}

export interface ConsumerTestBedOptions {
  prefix: string;
  logger: Logger;
  /** Partitions of `topic`; default 1. */
  partitions?: number;
  bootstrapServers?: string;
}

export async function createConsumerTestBed(
  t: CleanupRegistrar,
  options: ConsumerTestBedOptions,
): Promise<ConsumerTestBed> {
  const bootstrapServers = options.bootstrapServers ?? testKafkaBootstrapServers();
  const topic = uniqueTopic(options.prefix);
  const deadLetterTopic = uniqueTopic(`${options.prefix}-dlq`);
  const groupId = uniqueGroup(options.prefix);
  const producer = createProducer({
    bootstrapServers,
    clientId: `${options.prefix}-producer`,
    logger: options.logger,
  });
  const consumers: EventConsumer[] = [];
  // One cleanup, in dependency order: consumers, then the producer they may use, then the topics.
  t.after(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await producer.close();
    await deleteTopics({ bootstrapServers, topics: [topic, deadLetterTopic], clientId: 'test-cleanup' });
    await deleteConsumerGroups({ bootstrapServers, groups: [groupId], clientId: 'test-cleanup' });
  });
  await ensureTopics({
    bootstrapServers,
    clientId: 'test-setup',
    topics: [
      { name: topic, partitions: options.partitions ?? 1, replicationFactor: 1 },
      { name: deadLetterTopic, partitions: 1, replicationFactor: 1 },
    ],
  });
  const consume: ConsumerTestBed['consume'] = async (handle, overrides = {}) => {
    const consumer = createEventConsumer({
      bootstrapServers,
      groupId,
      clientId: options.prefix,
      topics: [topic],
      logger: options.logger,
      handle,
      retryBackoffMs: 20,
      deadLetter: { topic: deadLetterTopic, producer },
      ...overrides,
    });
    consumers.push(consumer);
    await consumer.start();
    return consumer;
  };
  const lag = async () => {
    const partitions = await consumerLag({
      bootstrapServers,
      groupId,
      topics: [topic],
      clientId: 'test-lag',
    });
    return partitions.reduce((sum, partition) => sum + partition.lag, 0n);
  };
  return { bootstrapServers, topic, deadLetterTopic, groupId, producer, consume, lag };
}

/** Polls `condition` every 20 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

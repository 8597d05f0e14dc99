import { Admin, findErrorBy } from '@platformatic/kafka';
import { brokerList } from './options.ts';
import { sleep } from './retry.ts';

export interface TopicToEnsure {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Compacted topics keep the latest value per key (`cleanup.policy=compact`). */
  compacted?: boolean;
}

export interface AdminConnection {
  bootstrapServers: string | readonly string[];
  clientId?: string;
}

export interface EnsureTopicsResult {
  created: string[];
  /** Topics that were there already; they are left exactly as they are. */
  existing: string[];
}

/** Runs `work` with a short-lived admin client: these calls are rare (startup, ops, tests). */
async function withAdmin<T>(connection: AdminConnection, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({
    clientId: connection.clientId ?? 'microshop-admin',
    bootstrapBrokers: brokerList(connection.bootstrapServers),
  });
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

/**
 * Creates the topics that do not exist (auto-creation is off on our brokers) and waits until they
 * have partition leaders, so producing right after does not race the controller. Idempotent; a topic
 * created concurrently by someone else counts as existing.
 */
export async function ensureTopics(
  options: AdminConnection & { topics: readonly TopicToEnsure[] },
): Promise<EnsureTopicsResult> {
  return withAdmin(options, async (admin) => {
    const present = new Set(await admin.listTopics({ includeInternals: true }));
    const result: EnsureTopicsResult = { created: [], existing: [] };
    for (const topic of options.topics) {
      if (present.has(topic.name) || !(await createTopic(admin, topic))) result.existing.push(topic.name);
      else result.created.push(topic.name);
    }
    await waitForLeaders(admin, result.created);
    return result;
  });
}

/** False when the topic turned out to exist already. */
async function createTopic(admin: Admin, topic: TopicToEnsure): Promise<boolean> {
  try {
    await admin.createTopics({
      topics: [topic.name],
      partitions: topic.partitions,
      replicas: topic.replicationFactor,
      configs: topic.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
    });
    return true;
  } catch (error) {
    if (findErrorBy(error as Error, 'apiId', 'TOPIC_ALREADY_EXISTS')) return false;
    throw error;
  }
}

async function waitForLeaders(admin: Admin, names: string[], timeoutMs = 30_000): Promise<void> {
  if (names.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // A copy: the library sorts the array it is given in place.
      const metadata = await admin.metadata({ topics: [...names], forceUpdate: true });
      const ready = names.every((name) => metadata.topics.get(name)?.partitions.every((p) => p.leader >= 0));
      if (ready) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics have no leader after ${timeoutMs} ms: ${names.join(', ')}`);
    await sleep(100);
  }
}

/** Every topic the cluster holds, Kafka's own internal ones (consumer offsets) aside. */
export function listTopicNames(connection: AdminConnection): Promise<string[]> {
  return withAdmin(connection, (admin) => admin.listTopics());
}

/**
 * Deletes the topics that exist and ignores the others (test cleanup, ops). Deletion is asynchronous
 * on the brokers, so it waits until no broker lists them any more: a caller that lists, or creates
 * the same name again, right after sees them gone.
 */
export async function deleteTopics(options: AdminConnection & { topics: readonly string[] }): Promise<void> {
  await withAdmin(options, async (admin) => {
    const present = new Set(await admin.listTopics());
    const names = options.topics.filter((name) => present.has(name));
    if (names.length === 0) return;
    await admin.deleteTopics({ topics: names });
    await waitUntilGone(admin, names);
  });
}

async function waitUntilGone(admin: Admin, names: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = new Set(await admin.listTopics());
    const left = names.filter((name) => listed.has(name));
    if (left.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`topics still listed ${timeoutMs} ms after deletion: ${left.join(', ')}`);
    await sleep(100);
  }
}

/** Deletes consumer groups and their committed offsets; unknown groups are ignored, a group with members fails. */
export async function deleteConsumerGroups(
  options: AdminConnection & { groups: readonly string[] },
): Promise<void> {
  if (options.groups.length === 0) return;
  await withAdmin(options, async (admin) => {
    try {
      await admin.deleteGroups({ groups: [...options.groups] });
    } catch (error) {
      if (!onlyUnknownGroups(error as Error)) throw error;
    }
  });
}

function onlyUnknownGroups(error: Error): boolean {
  const nested = (error as { errors?: Error[] }).errors;
  if (nested && nested.length > 0) return nested.every(onlyUnknownGroups);
  return findErrorBy(error, 'apiId', 'GROUP_ID_NOT_FOUND') !== null;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** The group's committed offset (next offset it will read); null if it never committed. */
  committed: bigint | null;
  /** The log end offset (high watermark). */
  end: bigint;
  /** Messages not yet handled: from the commit (or the log start, without one) to the end. */
  lag: bigint;
}

// ListOffsets' special timestamps.
const latest = -1n;
const earliest = -2n;

type OffsetsByPartition = Map<string, bigint>;

/** Per-partition lag of a consumer group, for the ops status page and for tests. */
export async function consumerLag(
  options: AdminConnection & { groupId: string; topics: readonly string[] },
): Promise<PartitionLag[]> {
  return withAdmin(options, async (admin) => {
    const metadata = await admin.metadata({ topics: [...options.topics] });
    const partitions = options.topics.flatMap((topic) =>
      Array.from({ length: metadata.topics.get(topic)?.partitionsCount ?? 0 }, (_, partition) => ({
        topic,
        partition,
      })),
    );
    const [ends, starts, committed] = await Promise.all([
      logOffsets(admin, options.topics, partitions, latest),
      logOffsets(admin, options.topics, partitions, earliest),
      committedOffsets(admin, options.groupId),
    ]);
    return partitions.map(({ topic, partition }) => {
      const key = `${topic}:${partition}`;
      const end = ends.get(key) ?? 0n;
      const from = committed.get(key) ?? starts.get(key) ?? 0n;
      return {
        topic,
        partition,
        committed: committed.get(key) ?? null,
        end,
        lag: end > from ? end - from : 0n,
      };
    });
  });
}

async function logOffsets(
  admin: Admin,
  topics: readonly string[],
  partitions: { topic: string; partition: number }[],
  timestamp: bigint,
): Promise<OffsetsByPartition> {
  const request = topics.map((name) => ({
    name,
    partitions: partitions
      .filter((p) => p.topic === name)
      .map((p) => ({ partitionIndex: p.partition, timestamp })),
  }));
  const offsets: OffsetsByPartition = new Map();
  for (const topic of await admin.listOffsets({ topics: request })) {
    for (const p of topic.partitions) offsets.set(`${topic.name}:${p.partitionIndex}`, p.offset);
  }
  return offsets;
}

async function committedOffsets(admin: Admin, groupId: string): Promise<OffsetsByPartition> {
  const offsets: OffsetsByPartition = new Map();
  const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
  for (const topic of group?.topics ?? []) {
    for (const p of topic.partitions) {
      if (p.committedOffset >= 0n) offsets.set(`${topic.name}:${p.partitionIndex}`, p.committedOffset);
    }
  }
  return offsets;
}

import {
  Admin,
  ConfigResourceTypes,
  findErrorBy,
  IncrementalAlterConfigOperationTypes,
} from '@platformatic/kafka';
import { brokerList } from './options.ts';
import { sleep } from './retry.ts';

export interface TopicToEnsure {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Compacted topics keep the latest value per key (`cleanup.policy=compact`). */
  compacted?: boolean;
  /** `retention.ms`: set on creation, and on an existing topic whose value differs. */
  retentionMs?: number;
}

export interface AdminConnection {
  bootstrapServers: string | readonly string[];
  clientId?: string;
}

export interface EnsureTopicsResult {
  created: string[];
  /** Topics that were there already: left as they are but for their retention (see `altered`). */
  existing: string[];
  /** Existing topics whose `retention.ms` differed from the one asked for and was set. */
  altered: string[];
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
 * have partition leaders, so producing right after does not race the controller. An existing topic
 * keeps its partitions and cleanup policy; only its retention is brought in line, so a stack made
 * before a retention changed gets the new one. Idempotent; a topic created concurrently by someone
 * else counts as existing.
 */
export async function ensureTopics(
  options: AdminConnection & { topics: readonly TopicToEnsure[] },
): Promise<EnsureTopicsResult> {
  return withAdmin(options, async (admin) => {
    const present = new Set(await admin.listTopics({ includeInternals: true }));
    const result: EnsureTopicsResult = { created: [], existing: [], altered: [] };
    for (const topic of options.topics) {
      if (present.has(topic.name) || !(await createTopic(admin, topic))) result.existing.push(topic.name);
      else result.created.push(topic.name);
    }
    await waitForLeaders(admin, result.created);
    const existing = options.topics.filter((topic) => result.existing.includes(topic.name));
    result.altered = await alignRetention(admin, existing);
    return result;
  });
}

/** Sets `retention.ms` on the topics asking for one that differs from theirs; returns their names. */
async function alignRetention(admin: Admin, topics: readonly TopicToEnsure[]): Promise<string[]> {
  const wanted = topics.filter((topic) => topic.retentionMs !== undefined);
  if (wanted.length === 0) return [];
  const described = await admin.describeConfigs({
    resources: wanted.map((topic) => ({
      resourceType: ConfigResourceTypes.TOPIC,
      resourceName: topic.name,
      configurationKeys: ['retention.ms'],
    })),
  });
  const current = new Map(
    described.map((d) => [d.resourceName, d.configs.find((c) => c.name === 'retention.ms')?.value]),
  );
  const differing = wanted.filter((topic) => current.get(topic.name) !== String(topic.retentionMs));
  if (differing.length === 0) return [];
  await admin.incrementalAlterConfigs({
    resources: differing.map((topic) => ({
      resourceType: ConfigResourceTypes.TOPIC,
      resourceName: topic.name,
      configs: [
        {
          name: 'retention.ms',
          configOperation: IncrementalAlterConfigOperationTypes.SET,
          value: String(topic.retentionMs),
        },
      ],
    })),
  });
  return differing.map((topic) => topic.name);
}

function topicConfigs(topic: TopicToEnsure): { name: string; value: string }[] {
  const configs = topic.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [];
  if (topic.retentionMs !== undefined)
    configs.push({ name: 'retention.ms', value: String(topic.retentionMs) });
  return configs;
}

/** False when the topic turned out to exist already. */
async function createTopic(admin: Admin, topic: TopicToEnsure): Promise<boolean> {
  try {
    await admin.createTopics({
      topics: [topic.name],
      partitions: topic.partitions,
      replicas: topic.replicationFactor,
      configs: topicConfigs(topic),
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

/**
 * Per-partition lag of a consumer group, for the operations service and for tests. Without `topics`,
 * the topics the group has committed offsets on (and that still exist).
 */
export async function consumerLag(
  options: AdminConnection & { groupId: string; topics?: readonly string[] },
): Promise<PartitionLag[]> {
  return withAdmin(options, async (admin) => {
    const committed = await committedOffsets(admin, options.groupId);
    const topics = options.topics ?? (await committedTopics(admin, committed));
    if (topics.length === 0) return [];
    const metadata = await admin.metadata({ topics: [...topics] });
    const partitions = topics.flatMap((topic) =>
      Array.from({ length: metadata.topics.get(topic)?.partitionsCount ?? 0 }, (_, partition) => ({
        topic,
        partition,
      })),
    );
    const [ends, starts] = await Promise.all([
      logOffsets(admin, topics, partitions, latest),
      logOffsets(admin, topics, partitions, earliest),
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

/** The topics of the committed offsets that still exist (a test's topics come and go). */
async function committedTopics(admin: Admin, committed: OffsetsByPartition): Promise<string[]> {
  const present = new Set(await admin.listTopics());
  const topics = new Set([...committed.keys()].map((key) => key.slice(0, key.lastIndexOf(':'))));
  return [...topics].filter((topic) => present.has(topic)).sort();
}

export interface ConsumerGroupSummary {
  group: string;
  /** As the broker says it: `Stable`, `Empty`, `PreparingRebalance`, … */
  state: string;
}

/** The consumer groups the brokers know (Kafka Connect's own worker group is not a consumer group). */
export async function listConsumerGroups(options: AdminConnection): Promise<ConsumerGroupSummary[]> {
  return withAdmin(options, async (admin) => {
    const groups = await admin.listGroups();
    return [...groups.values()]
      .filter((group) => group.protocolType === 'consumer')
      .map((group) => ({ group: group.id, state: String(group.state) }))
      .sort((a, b) => a.group.localeCompare(b.group));
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

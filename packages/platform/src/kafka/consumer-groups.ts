import { type Admin, findErrorBy } from '@platformatic/kafka';
import { type AdminConnection, withAdmin } from './admin-client.ts';

// Consumer groups: their lag per partition, the list of them, their deletion.

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
  return withAdmin(options, (admin) => lagOf(admin, options.groupId, options.topics));
}

/** The lag of each group on the topics it committed on, through one admin client. */
export async function consumerGroupsLag(
  options: AdminConnection & { groups: readonly string[] },
): Promise<Map<string, PartitionLag[]>> {
  return withAdmin(options, async (admin) => {
    const lags = new Map<string, PartitionLag[]>();
    for (const group of options.groups) lags.set(group, await lagOf(admin, group));
    return lags;
  });
}

async function lagOf(admin: Admin, groupId: string, only?: readonly string[]): Promise<PartitionLag[]> {
  const committed = await committedOffsets(admin, groupId);
  const topics = only ?? (await committedTopics(admin, committed));
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

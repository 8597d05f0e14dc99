import {
  type Admin,
  ConfigResourceTypes,
  findErrorBy,
  IncrementalAlterConfigOperationTypes,
} from '@platformatic/kafka';
import { type AdminConnection, withAdmin } from './admin-client.ts';
import { sleep } from './retry.ts';

// Topic administration (creation with retention, deletion). Consumer groups are in consumer-groups.ts.

export type { AdminConnection } from './admin-client.ts';
export {
  type ConsumerGroupSummary,
  consumerGroupsLag,
  consumerLag,
  deleteConsumerGroups,
  listConsumerGroups,
  type PartitionLag,
} from './consumer-groups.ts';

export interface TopicToEnsure {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Compacted topics keep the latest value per key (`cleanup.policy=compact`). */
  compacted?: boolean;
  /** `retention.ms`: set on creation, and on an existing topic whose value differs. */
  retentionMs?: number;
}
export interface EnsureTopicsResult {
  created: string[];
  /** Topics that were there already: left as they are but for their retention (see `altered`). */
  existing: string[];
  /** Existing topics whose `retention.ms` differed from the one asked for and was set. */
  altered: string[];
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

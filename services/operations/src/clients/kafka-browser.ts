import { Admin, ConfigResourceTypes, Consumer } from '@platformatic/kafka';
import type { BrowsedRecord, Cursor } from '../domain/topic-page.ts';

/**
 * Reads Kafka for the console without joining any group: topic metadata, configs and offsets through
 * one admin client, records by direct fetches at given offsets (one round trip per leader, no wait
 * for data that is not there). Nothing here commits, so browsing changes no consumer's position.
 */

export interface PartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  start: bigint;
  end: bigint;
}

export interface TopicInfo {
  name: string;
  partitions: PartitionInfo[];
  configs: Record<string, string | null>;
}

export const earliest = -2n;
export const latest = -1n;
const controlBatch = 0x20;

export function createKafkaBrowser(options: { bootstrapServers: readonly string[]; clientId: string }) {
  const brokers = [...options.bootstrapServers];
  const admin = new Admin({ clientId: `${options.clientId}-admin`, bootstrapBrokers: brokers });
  const consumer = new Consumer({
    clientId: `${options.clientId}-browser`,
    groupId: `${options.clientId}-browser`,
    bootstrapBrokers: brokers,
  });

  /** Per partition: the first offset at or after `timestamp` (the end where none is); -2 oldest, -1 end. */
  async function offsets(topic: string, timestamp: bigint): Promise<bigint[]> {
    const listed = await consumer.listOffsets({ topics: [topic], timestamp });
    return listed.get(topic) ?? [];
  }

  async function topicNames(): Promise<string[]> {
    return (await admin.listTopics()).filter((name) => !name.startsWith('__')).sort();
  }

  async function describe(topic: string): Promise<TopicInfo> {
    const metadata = await consumer.metadata({ topics: [topic] });
    const info = metadata.topics.get(topic);
    if (info === undefined) throw new Error(`topic ${topic} does not exist`);
    const [starts, ends, configs] = await Promise.all([
      offsets(topic, earliest),
      offsets(topic, latest),
      admin.describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic }],
      }),
    ]);
    return {
      name: topic,
      partitions: info.partitions.map((p, partition) => ({
        partition,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
        start: starts[partition] ?? 0n,
        end: ends[partition] ?? 0n,
      })),
      configs: Object.fromEntries((configs[0]?.configs ?? []).map((c) => [c.name, c.value ?? null])),
    };
  }

  /** Records from each partition of the cursor, from its offset on, up to about `bytesPerPartition`. */
  async function fetch(
    topic: string,
    from: Cursor,
    bytesPerPartition: number,
  ): Promise<Map<number, BrowsedRecord[]>> {
    const metadata = await consumer.metadata({ topics: [topic] });
    const info = metadata.topics.get(topic);
    const runs = new Map<number, BrowsedRecord[]>();
    if (info === undefined || from.size === 0) return runs;
    const byLeader = new Map<number, { partition: number; fetchOffset: bigint }[]>();
    for (const [partition, offset] of from) {
      const leader = info.partitions[partition]?.leader;
      if (leader === undefined) continue;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), { partition, fetchOffset: offset }]);
    }
    await Promise.all(
      [...byLeader].map(async ([node, partitions]) => {
        const response = await consumer.fetch({
          node,
          maxWaitTime: 0,
          minBytes: 0,
          maxBytes: bytesPerPartition * partitions.length,
          topics: [
            {
              topicId: info.id,
              partitions: partitions.map((p) => ({
                partition: p.partition,
                currentLeaderEpoch: -1,
                fetchOffset: p.fetchOffset,
                lastFetchedEpoch: -1,
                partitionMaxBytes: bytesPerPartition,
              })),
            },
          ],
        });
        for (const topicResponse of response.responses) {
          for (const partition of topicResponse.partitions) {
            const start = from.get(partition.partitionIndex) ?? 0n;
            runs.set(
              partition.partitionIndex,
              recordsOf(partition.partitionIndex, partition.records ?? [], start),
            );
          }
        }
      }),
    );
    return runs;
  }

  /**
   * Bytes on disk per topic and partition (describeLogDirs): each replica's log, the largest of them
   * (replicas hold the same records; a lagging follower holds fewer). Topics unknown to the brokers
   * are left out.
   */
  async function sizes(topics: readonly string[]): Promise<Map<string, Map<number, bigint>>> {
    // One topic at a time: a topic deleted since it was named fails its own lookup only.
    const described = await Promise.allSettled(topics.map((name) => consumer.metadata({ topics: [name] })));
    const request = described.flatMap((result) =>
      result.status === 'rejected'
        ? []
        : [...result.value.topics].map(([name, info]) => ({
            name,
            partitions: info.partitions.map((_, partition) => partition),
          })),
    );
    const found = new Map<string, Map<number, bigint>>();
    if (request.length === 0) return found;
    for (const broker of await admin.describeLogDirs({ topics: request })) {
      for (const topic of broker.results.flatMap((dir) => dir.topics)) {
        const partitions = found.get(topic.name) ?? new Map<number, bigint>();
        for (const p of topic.partitions) {
          if (p.isFutureKey) continue;
          const known = partitions.get(p.partitionIndex) ?? 0n;
          if (p.partitionSize > known) partitions.set(p.partitionIndex, p.partitionSize);
          else partitions.set(p.partitionIndex, known);
        }
        found.set(topic.name, partitions);
      }
    }
    return found;
  }

  return {
    offsets,
    topicNames,
    describe,
    fetch,
    sizes,
    async close(): Promise<void> {
      await Promise.allSettled([admin.close(), consumer.close()]);
    },
  };
}

export type KafkaBrowser = ReturnType<typeof createKafkaBrowser>;

type Batches = NonNullable<
  Awaited<ReturnType<Consumer['fetch']>>['responses'][number]['partitions'][number]['records']
>;

function recordsOf(partition: number, batches: Batches, start: bigint): BrowsedRecord[] {
  const records: BrowsedRecord[] = [];
  for (const batch of batches) {
    // Transaction markers are no records of anyone's: they only leave a gap in the offsets.
    if ((batch.attributes & controlBatch) !== 0) continue;
    for (const record of batch.records) {
      const offset = batch.firstOffset + BigInt(record.offsetDelta);
      // A fetch answers whole batches: records before the asked offset are dropped here.
      if (offset < start) continue;
      records.push({
        partition,
        offset,
        timestamp: batch.firstTimestamp + record.timestampDelta,
        key: record.key,
        value: record.value,
        headers: record.headers.map(([name, value]) => [
          name?.toString('utf8') ?? '',
          value ?? Buffer.alloc(0),
        ]),
      });
    }
  }
  return records;
}

import { earliest, type KafkaBrowser, latest } from '../clients/kafka-browser.ts';
import type { GroupLag } from '../tasks/sampler.ts';

// The topic list of the console: partitions, replication factor, offsets, size on disk, the two
// settings an operator looks for first (retention, cleanup policy), and how far behind its consumer
// groups are (the sampler's latest figures: the group furthest behind, in records and in time).

export interface TopicLag {
  /** Groups with committed offsets on the topic. */
  groups: number;
  /** The most records any one group has yet to consume. */
  maxOffsets: string;
  /** The age of the oldest record a group has yet to consume (null: nothing lags, or unknown). */
  maxSeconds: number | null;
  worstGroup: string | null;
}

export interface TopicSummary {
  name: string;
  partitions: number;
  replicas: number;
  /** Records between the log start and end offsets (an upper bound on compacted topics). */
  records: string;
  /** Bytes on disk (the largest replica of each partition, summed); null when the brokers did not say. */
  sizeBytes: string | null;
  retentionMs: string | null;
  cleanupPolicy: string | null;
  lag: TopicLag;
}

export async function summarizeTopics(
  kafka: KafkaBrowser,
  groups: readonly GroupLag[],
  now: Date,
): Promise<TopicSummary[]> {
  const names = await kafka.topicNames();
  // A topic deleted between the listing and these reads is left out (tests' topics come and go);
  // sizes the brokers cannot give right now are shown as unknown rather than failing the list.
  const sizes = await kafka.sizes(names).catch(() => new Map<string, Map<number, bigint>>());
  const summaries = await Promise.all(
    names.map((name) => summarizeTopic(kafka, name, sizes.get(name), groups, now).catch(() => null)),
  );
  return summaries.filter((summary) => summary !== null);
}

async function summarizeTopic(
  kafka: KafkaBrowser,
  name: string,
  size: Map<number, bigint> | undefined,
  groups: readonly GroupLag[],
  now: Date,
): Promise<TopicSummary> {
  const [info, start, end] = await Promise.all([
    kafka.describe(name),
    kafka.offsets(name, earliest),
    kafka.offsets(name, latest),
  ]);
  const records = end.reduce((sum, e, p) => sum + (e - (start[p] ?? 0n)), 0n);
  return {
    name,
    partitions: info.partitions.length,
    replicas: info.partitions[0]?.replicas.length ?? 0,
    records: String(records),
    sizeBytes: size === undefined ? null : String([...size.values()].reduce((sum, s) => sum + s, 0n)),
    retentionMs: info.configs['retention.ms'] ?? null,
    cleanupPolicy: info.configs['cleanup.policy'] ?? null,
    lag: topicLag(name, groups, now),
  };
}

export function topicLag(topic: string, groups: readonly GroupLag[], now: Date): TopicLag {
  let lag: TopicLag = { groups: 0, maxOffsets: '0', maxSeconds: null, worstGroup: null };
  for (const group of groups) {
    const partitions = group.partitions.filter((p) => p.topic === topic);
    if (partitions.length === 0) continue;
    const offsets = partitions.reduce((sum, p) => sum + p.lag, 0n);
    const seconds = Math.max(-1, ...partitions.map((p) => secondsSince(p.oldestUnconsumedAt, now) ?? -1));
    const worse = offsets > BigInt(lag.maxOffsets) || lag.worstGroup === null;
    lag = {
      groups: lag.groups + 1,
      maxOffsets: worse ? String(offsets) : lag.maxOffsets,
      maxSeconds: seconds < 0 ? lag.maxSeconds : Math.max(seconds, lag.maxSeconds ?? 0),
      worstGroup: worse && offsets > 0n ? group.group : lag.worstGroup,
    };
  }
  return lag;
}

/** Whole seconds since `then` (never below zero: clocks differ); null for null. */
export function secondsSince(then: Date | null, now: Date): number | null {
  return then === null ? null : Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
}

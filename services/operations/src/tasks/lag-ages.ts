import type { PartitionLag } from '@microshop/platform';
import type { Cursor } from '../domain/topic-page.ts';

/**
 * Lag in time, for the sampler: per group, topic and partition the time of the oldest record the group
 * has not consumed (the record at its committed offset), and when the group's commits last moved.
 *
 * Bounded cost: one small fetch per topic for the partitions that lag, at most `maxLookups` records
 * per sample, and a record's time is remembered by its offset (it never changes), so a group that
 * does not move costs nothing after its first sample. Kafka does not tell when a group committed; the
 * sampler sees its committed offsets move between two samples (a SAMPLE_INTERVAL_MS resolution), so a
 * group whose offsets have not moved since this process started has `lastCommitAt` null.
 */

export interface TimedPartitionLag extends PartitionLag {
  /** The time of the oldest unconsumed record; null when nothing lags (or it could not be read). */
  oldestUnconsumedAt: Date | null;
}

/** The first record's time at each partition's offset (fetch; up to a few KiB per partition). */
export type RecordTimes = (topic: string, at: Cursor) => Promise<Map<number, bigint>>;

const maxLookups = 200;

export function lagAges(recordTimes: RecordTimes | undefined) {
  let known = new Map<string, Date>();
  const commits = new Map<string, { offsets: string; movedAt: Date | null }>();

  /** The partitions with the time of their oldest unconsumed record. */
  async function timed(partitions: readonly PartitionLag[]): Promise<TimedPartitionLag[]> {
    const positionOf = (p: PartitionLag) => `${p.topic}:${p.partition}:${p.end - p.lag}`;
    const wanted = partitions.filter((p) => p.lag > 0n && !known.has(positionOf(p))).slice(0, maxLookups);
    const found = new Map<string, Date>();
    for (const p of partitions) {
      const time = known.get(positionOf(p));
      if (time !== undefined) found.set(positionOf(p), time);
    }
    if (recordTimes !== undefined) await lookUp(recordTimes, wanted, found, positionOf);
    known = found; // only the positions still lagging are kept
    return partitions.map((p) => ({
      ...p,
      oldestUnconsumedAt: p.lag > 0n ? (found.get(positionOf(p)) ?? null) : null,
    }));
  }

  /** When the group's committed offsets last moved, as far as the samples saw. */
  function lastCommit(group: string, partitions: readonly PartitionLag[], now: Date): Date | null {
    const offsets = partitions.map((p) => `${p.topic}:${p.partition}:${p.committed ?? ''}`).join(',');
    const before = commits.get(group);
    const movedAt = before === undefined ? null : before.offsets === offsets ? before.movedAt : now;
    commits.set(group, { offsets, movedAt });
    return movedAt;
  }

  return { timed, lastCommit };
}

async function lookUp(
  recordTimes: RecordTimes,
  wanted: readonly PartitionLag[],
  found: Map<string, Date>,
  positionOf: (p: PartitionLag) => string,
): Promise<void> {
  const byTopic = new Map<string, PartitionLag[]>();
  for (const p of wanted) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
  await Promise.all(
    [...byTopic].map(async ([topic, lagging]) => {
      const at: Cursor = new Map(lagging.map((p) => [p.partition, p.end - p.lag]));
      const times = await recordTimes(topic, at).catch(() => new Map<number, bigint>());
      for (const p of lagging) {
        const time = times.get(p.partition);
        if (time !== undefined) found.set(positionOf(p), new Date(Number(time)));
      }
    }),
  );
}

/** Record times through the console's Kafka reader: the first record at each offset, a few KiB each. */
export function recordTimesOf(kafka: {
  fetch: (topic: string, from: Cursor, bytes: number) => Promise<Map<number, { timestamp: bigint }[]>>;
}): RecordTimes {
  return async (topic, at) => {
    const runs = await kafka.fetch(topic, at, 4096);
    const times = new Map<number, bigint>();
    for (const [partition, run] of runs) if (run[0] !== undefined) times.set(partition, run[0].timestamp);
    return times;
  };
}

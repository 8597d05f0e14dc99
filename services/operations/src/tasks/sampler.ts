import { consumerGroupsLag, listConsumerGroups, type PartitionLag, type Pool } from '@microshop/platform';
import type { EventFlow } from '../domain/event-flow.ts';
import { openByGroup } from '../store/dead-letter-reads.ts';
import { saveLagSamples } from '../store/lag-samples.ts';
import { replicationSlots, type SlotFigures } from '../store/replication.ts';
import { lagAges, type RecordTimes, type TimedPartitionLag } from './lag-ages.ts';
import type { OperationsMetrics } from './metrics.ts';

/**
 * Samples what the console shows and Prometheus scrapes, every interval: replication slots, event flow
 * and outbox lag, open dead letters per group, and every consumer group's lag per topic and partition,
 * in offsets and in time (lag-ages.ts).
 * The operator API answers from the latest sample (with its time), so a console refreshing every few
 * seconds costs the brokers nothing more.
 */

export interface GroupLag {
  group: string;
  state: string;
  totalLag: number;
  partitions: TimedPartitionLag[];
  /** When its committed offsets were last seen to move (null: not since this process started). */
  lastCommitAt: Date | null;
}

export interface Sample {
  at: Date;
  slots: SlotFigures[];
  consumerGroups: GroupLag[];
  eventFlow: EventFlow;
}

export function sampler(deps: {
  pool: Pool;
  bootstrapServers: readonly string[];
  metrics: OperationsMetrics;
  eventFlow: () => Promise<EventFlow>;
  /** Reads a record's time at an offset: without it, lag is in offsets only. */
  recordTimes?: RecordTimes;
}) {
  let latest: Sample | null = null;
  const ages = lagAges(deps.recordTimes);

  async function run(): Promise<void> {
    const [slots, open, lags, eventFlow] = await Promise.all([
      replicationSlots(deps.pool),
      openByGroup(deps.pool),
      groupLags(deps.bootstrapServers),
      deps.eventFlow(),
    ]);
    const at = new Date();
    // One pass over every group's partitions (in order): each group's share is cut back out below.
    const timed = await ages.timed(lags.flatMap((group) => group.partitions));
    let taken = 0;
    const consumerGroups = lags.map((group) => {
      const partitions = timed.slice(taken, taken + group.partitions.length);
      taken += group.partitions.length;
      return { ...group, partitions, lastCommitAt: ages.lastCommit(group.group, group.partitions, at) };
    });
    latest = { at, slots, consumerGroups, eventFlow };
    report(latest, open, deps.metrics);
    await saveLagSamples(deps.pool, latest.at, consumerGroups);
  }

  /** The latest sample, or one taken now when there is none yet. */
  async function current(): Promise<Sample> {
    if (latest === null) await run();
    return latest as unknown as Sample;
  }

  return { run, current };
}

type OffsetLag = Omit<GroupLag, 'partitions' | 'lastCommitAt'> & { partitions: PartitionLag[] };

async function groupLags(bootstrapServers: readonly string[]): Promise<OffsetLag[]> {
  const connection = { bootstrapServers, clientId: 'operations-sampler' };
  const groups = await listConsumerGroups(connection);
  const lags = await consumerGroupsLag({ ...connection, groups: groups.map((g) => g.group) });
  return groups.map(({ group, state }) => {
    const partitions = lags.get(group) ?? [];
    return { group, state, partitions, totalLag: partitions.reduce((sum, p) => sum + Number(p.lag), 0) };
  });
}

function report(
  sample: Sample,
  open: readonly { group: string; count: number }[],
  metrics: OperationsMetrics,
): void {
  for (const gauge of [
    metrics.slotLagBytes,
    metrics.slotRetainedBytes,
    metrics.slotSafeWalBytes,
    metrics.slotActive,
  ]) {
    gauge.reset();
  }
  for (const slot of sample.slots) {
    const labels = { slot: slot.slot };
    if (slot.lagBytes !== null) metrics.slotLagBytes.set(labels, slot.lagBytes);
    if (slot.retainedBytes !== null) metrics.slotRetainedBytes.set(labels, slot.retainedBytes);
    if (slot.safeWalSizeBytes !== null) metrics.slotSafeWalBytes.set(labels, slot.safeWalSizeBytes);
    metrics.slotActive.set(labels, slot.active ? 1 : 0);
  }
  metrics.deadLettersOpen.reset();
  for (const { group, count } of open) metrics.deadLettersOpen.set({ group }, count);
  metrics.consumerGroupLag.reset();
  for (const group of sample.consumerGroups) {
    for (const p of group.partitions) {
      metrics.consumerGroupLag.set(
        { group: group.group, topic: p.topic, partition: String(p.partition) },
        Number(p.lag),
      );
    }
  }
  reportEventFlow(sample.eventFlow, metrics);
}

export function reportEventFlow(flow: EventFlow, metrics: OperationsMetrics): void {
  metrics.eventFlowOk.set(flow.ok ? 1 : 0);
  metrics.outboxLagSeconds.set(flow.outboxLagMs / 1000);
  if (flow.lastRoundTripMs !== null) metrics.eventFlowRoundTripSeconds.set(flow.lastRoundTripMs / 1000);
}

import { randomUUID } from 'node:crypto';
import { conflict, type Pool, validationFailed, withTransaction } from '@microshop/platform';
import { earliest, type KafkaBrowser, latest } from '../clients/kafka-browser.ts';
import type { GroupAdmin } from '../clients/kafka-groups.ts';
import {
  type PartitionPosition,
  type PartitionReset,
  planReset,
  type ResetTarget,
} from '../domain/offset-reset.ts';
import { appendAudit } from '../store/audit.ts';
import { insertOffsetReset } from '../store/offset-resets.ts';
import type { Actor } from './dead-letter-actions.ts';

/**
 * Resetting a consumer group's offsets on one topic, for a group with no members only (409 while it
 * has any: Kafka would refuse too, and a running consumer would commit over the reset). A dry run
 * answers the new offset per partition and how many records are replayed or skipped; the real one
 * needs a reason and writes its record (offset_resets) and its audit entry in one transaction that
 * commits only after Kafka took the new offsets: no audit, no action. Should Kafka refuse, the
 * transaction rolls back and the refusal is audited on its own.
 */

export interface ResetRequest {
  group: string;
  topic: string;
  target: ResetTarget;
  dryRun: boolean;
  reason?: string | undefined;
}

export interface ResetAnswer {
  group: string;
  topic: string;
  dryRun: boolean;
  resetId: string | null;
  partitions: {
    partition: number;
    current: string | null;
    next: string;
    replayed: string;
    skipped: string;
  }[];
  totals: { replayed: string; skipped: string };
}

export async function resetOffsets(
  deps: { pool: Pool; kafka: KafkaBrowser; groups: GroupAdmin },
  request: ResetRequest,
  actor: Actor,
): Promise<ResetAnswer> {
  await assertEmpty(deps.groups, request.group);
  const plan = planReset(request.target, await positions(deps, request));
  if (!plan.ok) throw validationFailed([{ field: plan.field, rule: 'range', message: plan.message }]);
  if (request.dryRun) return answer(request, null, plan.partitions);
  const resetId = randomUUID();
  const record = {
    id: resetId,
    ...request,
    partitions: plan.partitions,
    actor,
    reason: request.reason ?? '',
  };
  const audit = auditOf(record, 'ok');
  try {
    await withTransaction(deps.pool, async (client) => {
      await insertOffsetReset(client, record);
      await appendAudit(client, [audit]);
      await deps.groups.alter(request.group, request.topic, nextOffsets(plan.partitions));
    });
  } catch (error) {
    await appendAudit(deps.pool, [{ ...audit, result: `failed: ${(error as Error).message}` }]);
    throw error;
  }
  return answer(request, resetId, plan.partitions);
}

async function assertEmpty(groups: GroupAdmin, group: string): Promise<void> {
  const { state, members } = await groups.describe(group);
  if (members > 0)
    throw conflict(
      `group ${group} has ${members} active member(s) (${state}): stop its consumers first, then reset`,
    );
}

async function positions(
  deps: { kafka: KafkaBrowser; groups: GroupAdmin },
  request: ResetRequest,
): Promise<PartitionPosition[]> {
  const { topic, target } = request;
  const [start, end, committed, atTime] = await Promise.all([
    deps.kafka.offsets(topic, earliest),
    deps.kafka.offsets(topic, latest),
    deps.groups.committed(request.group, topic),
    target.kind === 'timestamp' ? deps.kafka.offsets(topic, BigInt(Date.parse(target.timestamp))) : null,
  ]);
  return start.map((s, partition) => ({
    partition,
    start: s,
    end: end[partition] ?? s,
    committed: committed.get(partition) ?? null,
    ...(atTime === null ? {} : { atTime: atTime[partition] ?? end[partition] ?? s }),
  }));
}

function nextOffsets(partitions: readonly PartitionReset[]): Map<number, bigint> {
  return new Map(partitions.map((p) => [p.partition, p.next]));
}

function auditOf(
  record: ResetRequest & { id: string; partitions: PartitionReset[]; actor: Actor; reason: string },
  result: string,
) {
  return {
    actor: record.actor.actor,
    action: 'consumer-group.reset-offsets',
    targetType: 'consumer-group' as const,
    targetId: record.group,
    before: { topic: record.topic, offsets: offsetsOf(record.partitions, 'current') },
    after: { topic: record.topic, offsets: offsetsOf(record.partitions, 'next'), resetId: record.id },
    result,
    reason: record.reason,
    requestId: record.actor.requestId,
  };
}

function offsetsOf(
  partitions: readonly PartitionReset[],
  which: 'current' | 'next',
): Record<string, string | null> {
  return Object.fromEntries(
    partitions.map((p) => [String(p.partition), p[which] === null ? null : String(p[which])]),
  );
}

function answer(request: ResetRequest, resetId: string | null, partitions: PartitionReset[]): ResetAnswer {
  const sum = (pick: (p: PartitionReset) => bigint) =>
    String(partitions.reduce((total, p) => total + pick(p), 0n));
  return {
    group: request.group,
    topic: request.topic,
    dryRun: request.dryRun,
    resetId,
    partitions: partitions.map((p) => ({
      partition: p.partition,
      current: p.current === null ? null : String(p.current),
      next: String(p.next),
      replayed: String(p.replayed),
      skipped: String(p.skipped),
    })),
    totals: { replayed: sum((p) => p.replayed), skipped: sum((p) => p.skipped) },
  };
}

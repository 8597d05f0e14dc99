import type { PoolClient } from '@microshop/platform';
import type { PartitionReset, ResetTarget } from '../domain/offset-reset.ts';

// The record of each offset reset (table `offset_resets`), written in the transaction of its audit entry.

export interface OffsetResetRecord {
  id: string;
  group: string;
  topic: string;
  target: ResetTarget;
  partitions: readonly PartitionReset[];
  actor: { actor: string; requestId: string | null };
  reason: string;
}

export async function insertOffsetReset(client: PoolClient, record: OffsetResetRecord): Promise<void> {
  // Offsets are bigints: written as texts so no precision is lost in JSON.
  const json = (value: unknown) =>
    JSON.stringify(value, (_, inner) => (typeof inner === 'bigint' ? String(inner) : inner));
  await client.query(
    `INSERT INTO offset_resets (id, group_id, topic, target, partitions, actor, reason, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      record.id,
      record.group,
      record.topic,
      json(record.target),
      json(record.partitions),
      record.actor.actor,
      record.reason,
      record.actor.requestId,
    ],
  );
}

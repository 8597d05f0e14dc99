import { Admin } from '@platformatic/kafka';

/**
 * A consumer group as the offset reset needs it, through one long-lived admin client: its state and
 * members (a reset is for an empty group only), its committed offsets, and the write of new ones.
 * Kafka itself refuses to alter the offsets of a group with members; we ask first to say so clearly.
 */

export interface GroupState {
  state: string;
  members: number;
}

export function createGroupAdmin(options: { bootstrapServers: readonly string[]; clientId: string }) {
  const admin = new Admin({
    clientId: `${options.clientId}-groups`,
    bootstrapBrokers: [...options.bootstrapServers],
  });

  async function describe(group: string): Promise<GroupState> {
    const found = (await admin.describeGroups({ groups: [group] })).get(group);
    return { state: String(found?.state ?? 'Dead'), members: found?.members.size ?? 0 };
  }

  /** The group's committed offset per partition of `topic` (partitions it never committed on are absent). */
  async function committed(group: string, topic: string): Promise<Map<number, bigint>> {
    const [answer] = await admin.listConsumerGroupOffsets({ groups: [group] });
    const offsets = new Map<number, bigint>();
    for (const t of answer?.topics ?? []) {
      if (t.name !== topic) continue;
      for (const p of t.partitions)
        if (p.committedOffset >= 0n) offsets.set(p.partitionIndex, p.committedOffset);
    }
    return offsets;
  }

  async function alter(group: string, topic: string, offsets: ReadonlyMap<number, bigint>): Promise<void> {
    await admin.alterConsumerGroupOffsets({
      groupId: group,
      topics: [
        { name: topic, partitionOffsets: [...offsets].map(([partition, offset]) => ({ partition, offset })) },
      ],
    });
  }

  return {
    describe,
    committed,
    alter,
    async close(): Promise<void> {
      await admin.close();
    },
  };
}

export type GroupAdmin = ReturnType<typeof createGroupAdmin>;

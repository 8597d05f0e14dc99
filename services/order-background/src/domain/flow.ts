/**
 * Deadlines count only the time events flowed. An outage of PostgreSQL, Connect or Kafka holds every
 * order's next event back; counting it would fail orders the outage only delayed. Pure: times come in.
 *
 * The operations service writes a heartbeat through its outbox every few seconds (topic
 * `microshop.heartbeats`); Debezium streams every outbox of the database through one slot, so a
 * heartbeat read back soon after it was written proves the whole path outbox → Debezium → Kafka →
 * consumer worked at that moment. Such a read is a *proof* of flow. Between two proofs more than
 * `thresholdMs` apart nothing proved the flow: that span is a *pause*, and no deadline counts it.
 * While the last proof is older than `thresholdMs`, the pause is still going on.
 */

export interface HeartbeatSeen {
  /** When the heartbeat was written (its `occurredAt`). */
  sentAt: Date;
  /** When this service read it from Kafka. */
  seenAt: Date;
}

/**
 * A span between two proofs that no deadline counts. The one still going on is not stored: the
 * watchdog passes it as the time of the last proof (`flowState`'s `since`).
 */
export interface Pause {
  startedAt: Date;
  endedAt: Date;
}

export interface FlowUpdate {
  /** The latest proof of flow after these heartbeats (unchanged if none of them was one). */
  lastProofAt: Date | null;
  /** Pauses these heartbeats closed: gaps between proofs longer than the threshold. */
  pauses: Pause[];
}

/**
 * Folds heartbeats read back into the proofs they are. A heartbeat that took longer than `thresholdMs`
 * to come back waited out an outage: it proves nothing about the time it was held. The first proof
 * ever opens no pause (there is no earlier one to measure the gap from).
 */
export function foldHeartbeats(
  lastProofAt: Date | null,
  heartbeats: readonly HeartbeatSeen[],
  thresholdMs: number,
): FlowUpdate {
  let last = lastProofAt;
  const pauses: Pause[] = [];
  for (const { sentAt, seenAt } of heartbeats) {
    if (seenAt.getTime() - sentAt.getTime() > thresholdMs) continue;
    if (last !== null && seenAt.getTime() <= last.getTime()) continue;
    if (last !== null && seenAt.getTime() - last.getTime() > thresholdMs) {
      pauses.push({ startedAt: last, endedAt: seenAt });
    }
    last = seenAt;
  }
  return { lastProofAt: last, pauses };
}

/** What the watchdog may do now, given the last proof of flow. */
export type FlowState =
  | { state: 'never-proven' }
  | { state: 'flowing'; lastProofAt: Date }
  | { state: 'paused'; since: Date };

export function flowState(lastProofAt: Date | null, now: Date, thresholdMs: number): FlowState {
  if (lastProofAt === null) return { state: 'never-proven' };
  if (now.getTime() - lastProofAt.getTime() > thresholdMs) return { state: 'paused', since: lastProofAt };
  return { state: 'flowing', lastProofAt };
}

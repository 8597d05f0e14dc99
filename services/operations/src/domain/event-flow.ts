/**
 * Whether events flow, pure: the operations service writes a heartbeat through its outbox every few
 * seconds and reads it back from Kafka. Events flow while the newest heartbeat that made the round
 * trip is younger than the threshold; before the first one has, for the first threshold after start.
 *
 * Debezium streams every outbox of the database through one slot in commit order, so the oldest
 * heartbeat not yet back also bounds how long the oldest row of any outbox has waited to reach Kafka
 * (to within one heartbeat interval): that is the outbox lag.
 */

export interface HeartbeatFigures {
  /** When the newest heartbeat that came back was written. */
  lastReturnedSentAt: Date | null;
  /** Its round trip: written → read back. */
  lastRoundTripMs: number | null;
  /** When the oldest heartbeat not yet back was written. */
  oldestPendingSentAt: Date | null;
}

export interface EventFlow {
  ok: boolean;
  /** Why not, in words an operator reads on /ready. */
  problem: string | null;
  lastRoundTripMs: number | null;
  /** Age of the newest heartbeat that came back; null before the first. */
  lastReturnedAgeMs: number | null;
  outboxLagMs: number;
}

export function eventFlow(
  figures: HeartbeatFigures,
  now: Date,
  options: { thresholdMs: number; startedAt: Date },
): EventFlow {
  const age = (at: Date | null) => (at === null ? null : Math.max(0, now.getTime() - at.getTime()));
  const lastReturnedAgeMs = age(figures.lastReturnedSentAt);
  const outboxLagMs = age(figures.oldestPendingSentAt) ?? 0;
  const base = { lastRoundTripMs: figures.lastRoundTripMs, lastReturnedAgeMs, outboxLagMs };
  if (lastReturnedAgeMs !== null && lastReturnedAgeMs <= options.thresholdMs) {
    return { ok: true, problem: null, ...base };
  }
  if (lastReturnedAgeMs === null && now.getTime() - options.startedAt.getTime() <= options.thresholdMs) {
    return { ok: true, problem: null, ...base };
  }
  const since = lastReturnedAgeMs === null ? 'since start' : `for ${Math.round(lastReturnedAgeMs / 1000)} s`;
  return {
    ok: false,
    problem: `no heartbeat has come back through outbox → Debezium → Kafka ${since} (threshold ${options.thresholdMs} ms)`,
    ...base,
  };
}

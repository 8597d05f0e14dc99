import type { Pool, PoolClient } from '@microshop/platform';
import type { HeartbeatFigures } from '../domain/event-flow.ts';

// Heartbeats written (table `heartbeats`) and when each came back from Kafka.

export async function insertHeartbeat(
  client: PoolClient,
  heartbeat: { id: string; instance: string; sentAt: Date },
): Promise<void> {
  await client.query('INSERT INTO heartbeats (id, instance, sent_at) VALUES ($1, $2, $3)', [
    heartbeat.id,
    heartbeat.instance,
    heartbeat.sentAt,
  ]);
}

/** Notes that the heartbeat came back; a copy read again changes nothing. */
export async function markReturned(client: PoolClient, id: string): Promise<void> {
  await client.query('UPDATE heartbeats SET seen_at = now() WHERE id = $1 AND seen_at IS NULL', [id]);
}

/** The figures the event-flow verdict needs, over the last hour of heartbeats. */
export async function heartbeatFigures(pool: Pool): Promise<HeartbeatFigures> {
  const result = await pool.query<{
    last_sent_at: Date | null;
    round_trip_ms: number | null;
    oldest_pending: Date | null;
  }>(
    `WITH recent AS (SELECT sent_at, seen_at FROM heartbeats WHERE sent_at > now() - interval '1 hour'),
       last AS (SELECT sent_at, seen_at FROM recent WHERE seen_at IS NOT NULL ORDER BY sent_at DESC LIMIT 1)
     SELECT (SELECT sent_at FROM last) AS last_sent_at,
       (SELECT extract(epoch FROM seen_at - sent_at) * 1000 FROM last)::float8 AS round_trip_ms,
       (SELECT min(sent_at) FROM recent WHERE seen_at IS NULL) AS oldest_pending`,
  );
  const row = result.rows[0];
  return {
    lastReturnedSentAt: row?.last_sent_at ?? null,
    lastRoundTripMs: row?.round_trip_ms === null || row === undefined ? null : Math.round(row.round_trip_ms),
    oldestPendingSentAt: row?.oldest_pending ?? null,
  };
}

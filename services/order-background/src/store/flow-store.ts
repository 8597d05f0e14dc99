import type { Pool, PoolClient } from '@microshop/platform';
import { foldHeartbeats, type HeartbeatSeen } from '../domain/flow.ts';

// The proofs that events flow and the pauses between them (tables event_flow, deadline_pauses).

/**
 * Folds heartbeats read back into the stored proof and pauses, inside the caller's transaction. The
 * row lock serialises instances that read heartbeats of different partitions at once.
 */
export async function recordHeartbeats(
  client: PoolClient,
  heartbeats: readonly HeartbeatSeen[],
  thresholdMs: number,
): Promise<void> {
  const current = await client.query<{ last_proof_at: Date | null }>(
    'SELECT last_proof_at FROM event_flow FOR UPDATE',
  );
  const update = foldHeartbeats(current.rows[0]?.last_proof_at ?? null, heartbeats, thresholdMs);
  if (update.pauses.length > 0) {
    await client.query(
      `INSERT INTO deadline_pauses (started_at, ended_at)
       SELECT * FROM unnest($1::timestamptz[], $2::timestamptz[])`,
      [update.pauses.map((pause) => pause.startedAt), update.pauses.map((pause) => pause.endedAt)],
    );
  }
  await client.query('UPDATE event_flow SET last_proof_at = $1', [update.lastProofAt]);
}

export async function lastProofOfFlow(pool: Pool): Promise<Date | null> {
  const result = await pool.query<{ last_proof_at: Date | null }>('SELECT last_proof_at FROM event_flow');
  return result.rows[0]?.last_proof_at ?? null;
}

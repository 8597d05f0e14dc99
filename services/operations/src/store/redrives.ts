import type { Pool, PoolClient } from '@microshop/platform';
import type { DeadLetterStatus } from '../domain/dead-letter.ts';

// Redrives (table `redrives`): pending → produced → resolved, or cancelled while pending.

export type RedriveState = 'pending' | 'produced' | 'resolved' | 'cancelled';

export interface RedriveRow {
  id: string;
  batch_id: string;
  dead_letter_id: string;
  redrive_count: number;
  state: RedriveState;
  requested_by: string;
  request_id: string | null;
  requested_at: Date;
  produced_at: Date | null;
  produced_partition: number | null;
  produced_offset: string | null;
  resolved_at: Date | null;
}

const columns = `id::text, batch_id, dead_letter_id, redrive_count, state, requested_by, request_id, requested_at,
  produced_at, produced_partition, produced_offset::text, resolved_at`;

export async function insertPending(
  client: PoolClient,
  batchId: string,
  redrives: readonly { deadLetterId: string; count: number }[],
  by: { actor: string; requestId: string | null },
): Promise<void> {
  await client.query(
    `INSERT INTO redrives (batch_id, dead_letter_id, redrive_count, requested_by, request_id)
     SELECT $1, r.id, r.count, $4, $5 FROM unnest($2::uuid[], $3::int[]) AS r(id, count)`,
    [batchId, redrives.map((r) => r.deadLetterId), redrives.map((r) => r.count), by.actor, by.requestId],
  );
}

/** A pending redrive with what producing it needs, and its dead letter's state. */
export interface PendingRedrive extends RedriveRow {
  origin_topic: string;
  consumer_group: string;
  record_key: Buffer | null;
  record_value: Buffer | null;
  headers: Record<string, string>;
  status: DeadLetterStatus;
  redrive_count_before: number;
  failures: number;
}

/**
 * Up to `limit` pending redrives, oldest first, each with its dead letter, both locked until commit:
 * a failure of the copy read meanwhile is indexed after the redrive is recorded, and rows another
 * instance holds are skipped, so two instances never produce one redrive at the same time. A batch
 * with a velocity limit of its own gets no more than what it has left of it in the last second. A
 * redrive asked for less than `graceMs` ago is left for a later pass: a second click within it finds
 * the first still pending (and is refused), and the operator can still cancel it.
 */
export async function claimPending(
  client: PoolClient,
  limit: number,
  graceMs: number,
): Promise<PendingRedrive[]> {
  const result = await client.query<PendingRedrive>(
    `WITH budget AS (
       SELECT b.batch_id, b.rate_per_second - (
         SELECT count(*) FROM redrives p WHERE p.batch_id = b.batch_id AND p.produced_at > now() - interval '1 second'
       ) AS allowed
       FROM redrive_batches b
       WHERE b.rate_per_second IS NOT NULL
         AND EXISTS (SELECT 1 FROM redrives q WHERE q.batch_id = b.batch_id AND q.state = 'pending')
     ),
     ranked AS (
       SELECT r.id, r.batch_id, row_number() OVER (PARTITION BY r.batch_id ORDER BY r.id) AS n
       FROM redrives r
       WHERE r.state = 'pending' AND r.requested_at <= now() - make_interval(secs => $2::float8 / 1000)
     )
     SELECT r.id::text, r.batch_id, r.dead_letter_id, r.redrive_count, r.state, r.requested_by, r.request_id,
       r.requested_at, d.origin_topic, d.consumer_group, d.record_key, d.record_value, d.headers, d.status,
       d.redrive_count AS redrive_count_before, d.failures
     FROM redrives r JOIN dead_letters d ON d.id = r.dead_letter_id
     WHERE r.state = 'pending' AND r.id IN (
       SELECT ranked.id FROM ranked LEFT JOIN budget USING (batch_id)
       WHERE budget.allowed IS NULL OR ranked.n <= budget.allowed
     )
     ORDER BY r.id LIMIT $1 FOR UPDATE OF r, d SKIP LOCKED`,
    [limit, graceMs],
  );
  return result.rows;
}

export async function markProduced(
  client: PoolClient,
  id: string,
  at: { partition: number; offset: bigint },
): Promise<void> {
  await client.query(
    `UPDATE redrives SET state = 'produced', produced_at = now(), produced_partition = $2, produced_offset = $3
     WHERE id = $1`,
    [id, at.partition, String(at.offset)],
  );
}

/** Cancels the batch's pending redrives; returns them. */
export async function cancelPending(client: PoolClient, batchId: string): Promise<RedriveRow[]> {
  const result = await client.query<RedriveRow>(
    `UPDATE redrives SET state = 'cancelled' WHERE batch_id = $1 AND state = 'pending' RETURNING ${columns}`,
    [batchId],
  );
  return result.rows;
}

export async function batchRedrives(pool: Pool, batchId: string): Promise<RedriveRow[]> {
  const result = await pool.query<RedriveRow>(
    `SELECT ${columns} FROM redrives WHERE batch_id = $1 ORDER BY redrives.id`,
    [batchId],
  );
  return result.rows;
}

export async function redrivesOf(pool: Pool, deadLetterId: string): Promise<RedriveRow[]> {
  const result = await pool.query<RedriveRow>(
    `SELECT ${columns} FROM redrives WHERE dead_letter_id = $1 ORDER BY redrives.id`,
    [deadLetterId],
  );
  return result.rows;
}

/** Produced redrives the failed group may not have read yet, with where to look. */
export async function producedUnresolved(
  pool: Pool,
  limit: number,
): Promise<{ id: string; group: string; topic: string; partition: number; offset: bigint }[]> {
  const result = await pool.query<{
    id: string;
    group: string;
    topic: string;
    partition: number;
    offset: string;
  }>(
    `SELECT r.id::text, d.consumer_group AS "group", d.origin_topic AS topic, r.produced_partition AS partition,
       r.produced_offset::text AS "offset"
     FROM redrives r JOIN dead_letters d ON d.id = r.dead_letter_id
     WHERE r.state = 'produced' ORDER BY r.id LIMIT $1`,
    [limit],
  );
  return result.rows.map((row) => ({ ...row, offset: BigInt(row.offset) }));
}

export async function markResolved(pool: Pool, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await pool.query(
    `UPDATE redrives SET state = 'resolved', resolved_at = now() WHERE id = ANY($1::bigint[]) AND state = 'produced'`,
    [ids],
  );
}

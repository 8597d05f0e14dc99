import type { Pool, PoolClient } from '@microshop/platform';
import type { RedriveState } from './redrives.ts';

// Redrive requests as tasks (table `redrive_batches`): what was asked, by whom, how many, at what
// velocity; their progress is counted from `redrives`.

export interface BatchRequest {
  batchId: string;
  requestedBy: string;
  requestId: string | null;
  reason: string | null;
  selection: unknown;
  total: number;
  ratePerSecond: number | null;
}

export interface BatchRow extends BatchRequest {
  requestedAt: Date;
  counts: Record<RedriveState, number>;
}

export async function insertBatch(client: PoolClient, batch: BatchRequest): Promise<void> {
  await client.query(
    `INSERT INTO redrive_batches (batch_id, requested_by, request_id, reason, selection, total, rate_per_second)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      batch.batchId,
      batch.requestedBy,
      batch.requestId,
      batch.reason,
      JSON.stringify(batch.selection),
      batch.total,
      batch.ratePerSecond,
    ],
  );
}

const batchColumns = `b.batch_id AS "batchId", b.requested_by AS "requestedBy", b.request_id AS "requestId",
  b.requested_at AS "requestedAt", b.reason, b.selection, b.total, b.rate_per_second AS "ratePerSecond",
  json_build_object(
    'pending', count(*) FILTER (WHERE r.state = 'pending'),
    'produced', count(*) FILTER (WHERE r.state = 'produced'),
    'resolved', count(*) FILTER (WHERE r.state = 'resolved'),
    'cancelled', count(*) FILTER (WHERE r.state = 'cancelled')
  ) AS counts`;

/** The newest tasks first, each with how many of its redrives are in each state. */
export async function listBatches(pool: Pool, limit: number): Promise<BatchRow[]> {
  const result = await pool.query<BatchRow>(
    `SELECT ${batchColumns} FROM (
       SELECT * FROM redrive_batches ORDER BY requested_at DESC, batch_id DESC LIMIT $1
     ) b LEFT JOIN redrives r ON r.batch_id = b.batch_id
     GROUP BY b.batch_id, b.requested_by, b.request_id, b.requested_at, b.reason, b.selection, b.total,
       b.rate_per_second
     ORDER BY b.requested_at DESC, b.batch_id DESC`,
    [limit],
  );
  return result.rows;
}

export async function findBatch(pool: Pool, batchId: string): Promise<BatchRow | null> {
  const result = await pool.query<BatchRow>(
    `SELECT ${batchColumns} FROM redrive_batches b LEFT JOIN redrives r ON r.batch_id = b.batch_id
     WHERE b.batch_id = $1 GROUP BY b.batch_id`,
    [batchId],
  );
  return result.rows[0] ?? null;
}

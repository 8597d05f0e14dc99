import type { Pool, PoolClient } from '@microshop/platform';
import type { DeadLetterState, DeadLetterStatus, Failure } from '../domain/dead-letter.ts';

// The dead-letter index (table `dead_letters`). Each function takes the client of the caller's
// transaction, or the pool for a read outside one.

export interface DeadLetterRow {
  id: string;
  origin_topic: string;
  origin_partition: number;
  origin_offset: string;
  consumer_group: string;
  service: string;
  record_key: Buffer | null;
  record_value: Buffer | null;
  headers: Record<string, string>;
  event_id: string | null;
  event_type: string | null;
  error: string;
  error_code: string;
  attempts: number;
  failures: number;
  first_failed_at: Date;
  last_failed_at: Date;
  dlq_partition: number;
  dlq_offset: string;
  status: DeadLetterStatus;
  redrive_count: number;
  last_redriven_at: Date | null;
  discard_reason: string | null;
}

/** The domain's view of a row. */
export function stateOf(row: Pick<DeadLetterRow, 'status' | 'redrive_count' | 'failures'>): DeadLetterState {
  return { status: row.status, redriveCount: row.redrive_count, failures: row.failures };
}

export interface NewDeadLetter {
  id: string;
  failure: Failure;
  service: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Original headers, name → base64. */
  headers: Record<string, string>;
  eventId: string | null;
  eventType: string | null;
  dlqPartition: number;
  dlqOffset: bigint;
}

/** Inserts it unless a row has its id or coordinates already (a record read twice); true when inserted. */
export async function insertDeadLetter(client: PoolClient, dl: NewDeadLetter): Promise<boolean> {
  const f = dl.failure;
  const result = await client.query(
    `INSERT INTO dead_letters (id, origin_topic, origin_partition, origin_offset, consumer_group, service,
       record_key, record_value, headers, event_id, event_type, error, error_code, attempts,
       first_failed_at, last_failed_at, dlq_partition, dlq_offset)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17)
     ON CONFLICT DO NOTHING`,
    [
      dl.id,
      f.topic,
      f.partition,
      f.offset,
      f.group,
      dl.service,
      dl.key,
      dl.value,
      JSON.stringify(dl.headers),
      dl.eventId,
      dl.eventType,
      f.error,
      f.code,
      f.attempts,
      f.failedAt,
      dl.dlqPartition,
      String(dl.dlqOffset),
    ],
  );
  return result.rowCount === 1;
}

/** The failure of a redriven copy, on the row it was redriven from. */
export async function recordFailedAgain(
  client: PoolClient,
  id: string,
  change: {
    failure: Failure;
    status: DeadLetterStatus;
    failures: number;
    dlqPartition: number;
    dlqOffset: bigint;
  },
): Promise<void> {
  const f = change.failure;
  await client.query(
    `UPDATE dead_letters SET error = $2, error_code = $3, attempts = $4, last_failed_at = $5, status = $6,
       failures = $7, dlq_partition = $8, dlq_offset = $9, updated_at = now()
     WHERE id = $1`,
    [
      id,
      f.error,
      f.code,
      f.attempts,
      f.failedAt,
      change.status,
      change.failures,
      change.dlqPartition,
      String(change.dlqOffset),
    ],
  );
}

const listColumns = `id, origin_topic, origin_partition, origin_offset::text, consumer_group, service,
  record_key, record_value, headers, event_id, event_type, error, error_code, attempts, failures,
  first_failed_at, last_failed_at, dlq_partition, dlq_offset::text, status, redrive_count,
  last_redriven_at, discard_reason`;

/** The row, locked until commit; null when there is none. */
export async function lockDeadLetter(client: PoolClient, id: string): Promise<DeadLetterRow | null> {
  const result = await client.query<DeadLetterRow>(
    `SELECT ${listColumns} FROM dead_letters WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return result.rows[0] ?? null;
}

export async function findDeadLetter(pool: Pool, id: string): Promise<DeadLetterRow | null> {
  const result = await pool.query<DeadLetterRow>(`SELECT ${listColumns} FROM dead_letters WHERE id = $1`, [
    id,
  ]);
  return result.rows[0] ?? null;
}

export interface DeadLetterFilter {
  group?: string | undefined;
  service?: string | undefined;
  topic?: string | undefined;
  code?: string | undefined;
  status?: readonly DeadLetterStatus[] | undefined;
  /** Last failed at or after this time. */
  failedFrom?: Date | undefined;
  /** Last failed before this time. */
  failedTo?: Date | undefined;
}

/** What an action applies to: the dead letters named, or every one matching a filter. */
export type Selection = { ids: readonly string[] } | { filter: DeadLetterFilter };

/** `WHERE …` of a filter, its values appended to `params` (placeholders numbered after them). */
export function filterSql(filter: DeadLetterFilter, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(params.length));
  };
  if (filter.group !== undefined) add((n) => `consumer_group = $${n}`, filter.group);
  if (filter.service !== undefined) add((n) => `service = $${n}`, filter.service);
  if (filter.topic !== undefined) add((n) => `origin_topic = $${n}`, filter.topic);
  if (filter.code !== undefined) add((n) => `error_code = $${n}`, filter.code);
  if (filter.status !== undefined && filter.status.length > 0)
    add((n) => `status = ANY($${n}::text[])`, filter.status);
  if (filter.failedFrom !== undefined) add((n) => `last_failed_at >= $${n}`, filter.failedFrom);
  if (filter.failedTo !== undefined) add((n) => `last_failed_at < $${n}`, filter.failedTo);
  return clauses.length === 0 ? 'TRUE' : clauses.join(' AND ');
}

function idsSql(ids: readonly string[], params: unknown[]): string {
  params.push(ids);
  return `id = ANY($${params.length}::uuid[])`;
}

/** The selected rows, locked until commit, oldest failure first; at most `limit`. */
export async function lockSelection(
  client: PoolClient,
  selection: Selection,
  limit: number,
): Promise<DeadLetterRow[]> {
  const params: unknown[] = [];
  const where = 'ids' in selection ? idsSql(selection.ids, params) : filterSql(selection.filter, params);
  params.push(limit);
  const result = await client.query<DeadLetterRow>(
    `SELECT ${listColumns} FROM dead_letters WHERE ${where}
     ORDER BY first_failed_at, id LIMIT $${params.length} FOR UPDATE`,
    params,
  );
  return result.rows;
}

/** Sets each row's status (and what goes with it) as `evolve` decided. */
export async function saveStatuses(
  client: PoolClient,
  changes: readonly { id: string; status: DeadLetterStatus; redriveCount: number; discardReason?: string }[],
): Promise<void> {
  if (changes.length === 0) return;
  await client.query(
    `UPDATE dead_letters AS d SET status = c.status, redrive_count = c.redrive_count,
       last_redriven_at = CASE WHEN c.redrive_count > d.redrive_count THEN now() ELSE d.last_redriven_at END,
       discard_reason = COALESCE(c.discard_reason, d.discard_reason), updated_at = now()
     FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[]) AS c(id, status, redrive_count, discard_reason)
     WHERE d.id = c.id`,
    [
      changes.map((c) => c.id),
      changes.map((c) => c.status),
      changes.map((c) => c.redriveCount),
      changes.map((c) => c.discardReason ?? null),
    ],
  );
}

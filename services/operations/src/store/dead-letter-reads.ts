import type { Pool } from '@microshop/platform';
import { type DeadLetterFilter, type DeadLetterRow, filterSql } from './dead-letters.ts';

// Reads of the dead-letter index for the operator API and the metrics: pages of a filtered list
// (newest failure first, keyset-paged both ways so a page is the same on every repeat), counts.

export interface Cursor {
  at: Date;
  id: string;
}

export interface PageRequest {
  limit: number;
  /** Older than this one (the next page). */
  after?: Cursor | undefined;
  /** Newer than this one (the previous page). */
  before?: Cursor | undefined;
}

export interface Page {
  rows: DeadLetterRow[];
  /** Matching the filter, all pages. */
  total: number;
  next: Cursor | null;
  prev: Cursor | null;
}

const summaryColumns = `id, origin_topic, origin_partition, origin_offset::text, consumer_group, service,
  NULL::bytea AS record_key, NULL::bytea AS record_value, '{}'::jsonb AS headers, event_id, event_type, error,
  error_code, attempts, failures, first_failed_at, last_failed_at, dlq_partition, dlq_offset::text, status,
  redrive_count, last_redriven_at, discard_reason`;

export async function listDeadLetters(
  pool: Pool,
  filter: DeadLetterFilter,
  page: PageRequest,
): Promise<Page> {
  const params: unknown[] = [];
  const where = filterSql(filter, params);
  const backwards = page.before !== undefined;
  const cursor = page.before ?? page.after;
  const keyset =
    cursor === undefined
      ? 'TRUE'
      : `(last_failed_at, id) ${backwards ? '>' : '<'} ($${params.length + 1}, $${params.length + 2})`;
  const values = cursor === undefined ? params : [...params, cursor.at, cursor.id];
  const order = backwards ? 'ASC' : 'DESC';
  const result = await pool.query<DeadLetterRow>(
    `SELECT ${summaryColumns} FROM dead_letters WHERE ${where} AND ${keyset}
     ORDER BY last_failed_at ${order}, id ${order} LIMIT ${page.limit + 1}`,
    values,
  );
  const more = result.rows.length > page.limit;
  const rows = result.rows.slice(0, page.limit);
  if (backwards) rows.reverse();
  const first = rows[0];
  const last = rows.at(-1);
  const newer = first !== undefined && (backwards ? more : await exists(pool, where, params, first, '>'));
  const older = last !== undefined && (backwards ? await exists(pool, where, params, last, '<') : more);
  return {
    rows,
    total: await countWhere(pool, where, params),
    prev: newer && first ? keyOf(first) : null,
    next: older && last ? keyOf(last) : null,
  };
}

function keyOf(row: DeadLetterRow): Cursor {
  return { at: row.last_failed_at, id: row.id };
}

async function countWhere(pool: Pool, where: string, params: unknown[]): Promise<number> {
  const result = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM dead_letters WHERE ${where}`,
    params,
  );
  return result.rows[0]?.n ?? 0;
}

async function exists(
  pool: Pool,
  where: string,
  params: unknown[],
  row: DeadLetterRow,
  side: '<' | '>',
): Promise<boolean> {
  const n = params.length;
  const result = await pool.query(
    `SELECT 1 FROM dead_letters WHERE ${where} AND (last_failed_at, id) ${side} ($${n + 1}, $${n + 2}) LIMIT 1`,
    [...params, row.last_failed_at, row.id],
  );
  return (result.rowCount ?? 0) > 0;
}

export interface DeadLetterCount {
  group: string;
  service: string;
  topic: string;
  code: string;
  status: string;
  count: number;
  lastFailedAt: Date;
}

/** How many dead letters there are per group, origin topic, error code and status. */
export async function countDeadLetters(pool: Pool, filter: DeadLetterFilter): Promise<DeadLetterCount[]> {
  const params: unknown[] = [];
  const where = filterSql(filter, params);
  const result = await pool.query<DeadLetterCount>(
    `SELECT consumer_group AS "group", service, origin_topic AS topic, error_code AS code, status,
       count(*)::int AS count, max(last_failed_at) AS "lastFailedAt"
     FROM dead_letters WHERE ${where}
     GROUP BY consumer_group, service, origin_topic, error_code, status
     ORDER BY count(*) DESC, consumer_group, error_code`,
    params,
  );
  return result.rows;
}

/** Open dead letters per consumer group, for the metric. */
export async function openByGroup(pool: Pool): Promise<{ group: string; count: number }[]> {
  const result = await pool.query<{ group: string; count: number }>(
    `SELECT consumer_group AS "group", count(*)::int AS count FROM dead_letters
     WHERE status = 'open' GROUP BY consumer_group`,
  );
  return result.rows;
}

/**
 * The dead letters whose record names the order (its id anywhere in the value's bytes: a dead letter's
 * value may not even parse). A scan of the table, which holds only what failed: small by design.
 */
export async function openDeadLettersOfOrder(pool: Pool, orderId: string) {
  const { rows } = await pool.query<{
    id: string;
    topic: string;
    partition: number;
    offset: string;
    group: string;
    service: string;
    error: string;
    attempts: number;
    status: string;
    lastFailedAt: Date;
  }>(
    `SELECT id, origin_topic AS topic, origin_partition AS partition, origin_offset::text AS offset,
            consumer_group AS "group", service, error, attempts, status, last_failed_at AS "lastFailedAt"
       FROM dead_letters WHERE position(convert_to($1, 'UTF8') IN record_value) > 0
      ORDER BY last_failed_at`,
    [orderId],
  );
  return rows.map((row) => ({ ...row, lastFailedAt: new Date(row.lastFailedAt).toISOString() }));
}

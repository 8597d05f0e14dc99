import type pg from 'pg';
import { qualified } from './db/identifier.ts';

/**
 * Rows that only guard against redelivery (the inbox, idempotency keys) are needed only while a copy
 * of their message can still arrive: Kafka keeps a topic's records for 7 days, so the kit keeps these
 * rows for longer (default 14 days) and deletes older ones in small batches, so the tables stop growing
 * without one long delete holding locks.
 */
export interface RetentionRule {
  table: string;
  /** A timestamptz column: rows older than `keepMs` by it go. */
  column: string;
  keepMs: number;
}

/** Deletes what `rule` says is expired, `batchSize` rows a statement; returns how many went. */
export async function pruneExpired(
  pool: Pick<pg.Pool, 'query'>,
  rule: RetentionRule,
  options: { schema?: string; batchSize?: number } = {},
): Promise<number> {
  const table = options.schema === undefined ? rule.table : qualified(options.schema, rule.table);
  const batchSize = options.batchSize ?? 5_000;
  let deleted = 0;
  for (;;) {
    const result = await pool.query(
      `DELETE FROM ${table} WHERE ctid IN (
         SELECT ctid FROM ${table} WHERE "${rule.column}" < now() - make_interval(secs => $1::double precision / 1000)
         LIMIT $2)`,
      [rule.keepMs, batchSize],
    );
    deleted += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < batchSize) return deleted;
  }
}

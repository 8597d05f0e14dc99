import type pg from 'pg';
import { qualified } from './db/identifier.ts';
import { idempotencyTable } from './idempotency.ts';
import { inboxTable } from './inbox.ts';
import { defaultOutboxRetentionMs, outboxTable } from './outbox.ts';

/**
 * Rows that only guard against redelivery are needed only while a copy of what they guard against can
 * still arrive. The inbox guards against a Kafka record delivered again: Kafka keeps a topic's records
 * for 7 days, so the kit keeps inbox rows for longer (default 14 days). Idempotency keys guard against
 * a client repeating a POST: clients retry for minutes, so a week (the default) is well above it.
 * Outbox rows are kept so a lost replication slot can be recovered by streaming them again (default
 * 3 days, below the inbox's window, which dedupes the copies). A service adds its own such tables
 * (`ServiceParts.retention`). Older rows are deleted in small batches, so the tables stop growing
 * without one long delete holding locks.
 */
export interface RetentionRule {
  table: string;
  /** A timestamptz column: rows older than `keepMs` by it go (rows where it is null stay). */
  column: string;
  keepMs: number;
}

const hourMs = 3_600_000;

/** The kit's own windows, in hours (the service config's INBOX_, IDEMPOTENCY_ and OUTBOX_RETENTION_HOURS). */
export interface KitRetention {
  inboxHours?: number | undefined;
  idempotencyHours?: number | undefined;
  outboxHours?: number | undefined;
}

export const defaultRetentionHours = {
  inbox: 14 * 24,
  idempotency: 7 * 24,
  outbox: defaultOutboxRetentionMs / 3_600_000,
} as const;

/** The inbox, idempotency-key and outbox rules every service with a database gets. */
export function kitRetentionRules(hours: KitRetention = {}): RetentionRule[] {
  return [
    {
      table: inboxTable,
      column: 'handled_at',
      keepMs: (hours.inboxHours ?? defaultRetentionHours.inbox) * hourMs,
    },
    {
      table: idempotencyTable,
      column: 'created_at',
      keepMs: (hours.idempotencyHours ?? defaultRetentionHours.idempotency) * hourMs,
    },
    {
      table: outboxTable,
      column: 'created_at',
      keepMs: (hours.outboxHours ?? defaultRetentionHours.outbox) * hourMs,
    },
  ];
}

/** Prunes every rule in turn; returns how many rows each table lost. */
export async function pruneAll(
  pool: Pick<pg.Pool, 'query'>,
  rules: readonly RetentionRule[],
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const rule of rules) deleted[rule.table] = await pruneExpired(pool, rule);
  return deleted;
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

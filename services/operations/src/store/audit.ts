import type { Pool, PoolClient } from '@microshop/platform';

// The audit log (table `audit_log`, append-only: a trigger refuses updates and deletes). Entries are
// written with the client of the transaction that makes the change they record.

export interface AuditEntry {
  actor: string;
  /** `dead-letter.redrive`, `dead-letter.discard`, `connector.restart`, `consumer-group.reset-offsets`, … */
  action: string;
  targetType: 'dead-letter' | 'connector' | 'redrive-batch' | 'consumer-group' | 'kafka-record';
  targetId: string;
  before?: unknown;
  after?: unknown;
  /** `ok`, `pending`, `produced to …`, `failed: …` */
  result: string;
  reason?: string | null | undefined;
  requestId?: string | null | undefined;
}

export interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  before: unknown;
  after: unknown;
  result: string;
  reason: string | null;
  request_id: string | null;
}

export async function appendAudit(client: PoolClient | Pool, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
  await client.query(
    `INSERT INTO audit_log (actor, action, target_type, target_id, before, after, result, reason, request_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[],
       $8::text[], $9::text[])`,
    [
      entries.map((e) => e.actor),
      entries.map((e) => e.action),
      entries.map((e) => e.targetType),
      entries.map((e) => e.targetId),
      entries.map((e) => json(e.before)),
      entries.map((e) => json(e.after)),
      entries.map((e) => e.result),
      entries.map((e) => e.reason ?? null),
      entries.map((e) => e.requestId ?? null),
    ],
  );
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  requestId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** Newest first; `beforeId` pages back (ids grow with time). */
export async function listAudit(
  pool: Pool,
  filter: AuditFilter,
  page: { limit: number; beforeId?: string | undefined },
): Promise<AuditRow[]> {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    if (value === undefined) return;
    params.push(value);
    clauses.push(sql(params.length));
  };
  add((n) => `actor = $${n}`, filter.actor);
  add((n) => `action = $${n}`, filter.action);
  add((n) => `target_type = $${n}`, filter.targetType);
  add((n) => `target_id = $${n}`, filter.targetId);
  add((n) => `request_id = $${n}`, filter.requestId);
  add((n) => `at >= $${n}`, filter.from);
  add((n) => `at < $${n}`, filter.to);
  add((n) => `id < $${n}`, page.beforeId);
  const where = clauses.length === 0 ? 'TRUE' : clauses.join(' AND ');
  const result = await pool.query<AuditRow>(
    `SELECT id::text, at, actor, action, target_type, target_id, before, after, result, reason, request_id
     FROM audit_log WHERE ${where} ORDER BY audit_log.id DESC LIMIT ${page.limit}`,
    params,
  );
  return result.rows;
}

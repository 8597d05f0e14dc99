import type { PoolClient } from '@microshop/platform';
import type { AuditedChange, AuditedField } from '../domain/audit.ts';
import type { Queryable } from './products.ts';

// The catalog audit (migrations/003_catalog_audit.sql).

export interface AuditEntry {
  field: AuditedField;
  from: string | number | null;
  to: string | number;
  /** The principal's subject. */
  by: string;
  at: string;
}

/** Writes the entries of one change in the caller's transaction, the change's own. */
export async function recordAudit(
  client: PoolClient,
  change: { sku: string; changes: readonly AuditedChange[]; by: string; at: Date },
): Promise<void> {
  for (const { field, from, to } of change.changes) {
    await client.query(
      `INSERT INTO catalog_audit (sku, field, old_value, new_value, changed_by, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        change.sku,
        field,
        from === null ? null : JSON.stringify(from),
        JSON.stringify(to),
        change.by,
        change.at,
      ],
    );
  }
}

/** The product's audit, newest change first, the fields of one change in their order. */
export async function listAudit(db: Queryable, sku: string, limit: number): Promise<AuditEntry[]> {
  const result = await db.query<{
    field: AuditedField;
    old_value: string | number | null;
    new_value: string | number;
    changed_by: string;
    changed_at: Date;
  }>(
    `SELECT field, old_value, new_value, changed_by, changed_at FROM catalog_audit
      WHERE sku = $1 ORDER BY changed_at DESC, id LIMIT $2`,
    [sku, limit],
  );
  return result.rows.map((row) => ({
    field: row.field,
    from: row.old_value,
    to: row.new_value,
    by: row.changed_by,
    at: row.changed_at.toISOString(),
  }));
}

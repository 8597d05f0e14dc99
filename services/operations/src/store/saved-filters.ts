import type { Pool } from '@microshop/platform';

// The message browser's saved filters (table `saved_filters`): an operator's own (owner = subject)
// and the shared ones (owner NULL), each a set of the browser's filter parameters.

export interface SavedFilter {
  id: string;
  name: string;
  shared: boolean;
  params: Record<string, string>;
  createdBy: string;
  createdAt: string;
}

interface Row {
  id: string;
  name: string;
  owner: string | null;
  params: Record<string, string>;
  created_by: string;
  created_at: Date;
}

const columns = 'id, name, owner, params, created_by, created_at';

function view(row: Row): SavedFilter {
  return {
    id: row.id,
    name: row.name,
    shared: row.owner === null,
    params: row.params,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

/** The shared filters, then the operator's own; each by name. */
export async function listSavedFilters(pool: Pool, operator: string): Promise<SavedFilter[]> {
  const { rows } = await pool.query<Row>(
    `SELECT ${columns} FROM saved_filters WHERE owner IS NULL OR owner = $1
      ORDER BY owner IS NOT NULL, lower(name)`,
    [operator],
  );
  return rows.map(view);
}

/**
 * Saved under its name, replacing the operator's filter of that name (or the shared one the operator
 * made); null when a shared filter of that name is someone else's.
 */
export async function saveFilter(
  pool: Pool,
  filter: { name: string; shared: boolean; params: Record<string, string>; operator: string },
): Promise<SavedFilter | null> {
  const { rows } = await pool.query<Row>(
    `INSERT INTO saved_filters (name, owner, params, created_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (owner, name) DO UPDATE SET params = EXCLUDED.params, created_by = EXCLUDED.created_by,
       created_at = now()
     WHERE saved_filters.created_by = EXCLUDED.created_by
     RETURNING ${columns}`,
    [filter.name, filter.shared ? null : filter.operator, JSON.stringify(filter.params), filter.operator],
  );
  return rows[0] === undefined ? null : view(rows[0]);
}

/** Deletes the operator's own filter, or a shared one the operator made; false when there is none such. */
export async function deleteFilter(pool: Pool, id: string, operator: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `DELETE FROM saved_filters WHERE id = $1 AND (owner = $2 OR (owner IS NULL AND created_by = $2))`,
    [id, operator],
  );
  return (rowCount ?? 0) > 0;
}

import type { Pool } from '@microshop/platform';

// The database's logical replication slots (Debezium's `microshop_outbox` among them), read from
// pg_replication_slots.

export interface SlotFigures {
  slot: string;
  plugin: string | null;
  active: boolean;
  /** `reserved`, `extended`, `unreserved`, or `lost` once the slot was invalidated. */
  walStatus: string | null;
  /** WAL written since the slot's reader last confirmed: what it has still to read. */
  lagBytes: number | null;
  /** WAL the slot holds on disk (from its restart point). */
  retainedBytes: number | null;
  /** How much more WAL may be written before the slot is invalidated (max_slot_wal_keep_size). */
  safeWalSizeBytes: number | null;
}

export async function replicationSlots(pool: Pool): Promise<SlotFigures[]> {
  const result = await pool.query<{
    slot: string;
    plugin: string | null;
    active: boolean;
    wal_status: string | null;
    lag_bytes: string | null;
    retained_bytes: string | null;
    safe_wal_size: string | null;
  }>(
    `SELECT slot_name AS slot, plugin, active, wal_status, safe_wal_size::text,
       pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint::text AS lag_bytes,
       pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint::text AS retained_bytes
     FROM pg_replication_slots WHERE slot_type = 'logical' ORDER BY slot_name`,
  );
  const number = (text: string | null) => (text === null ? null : Number(text));
  return result.rows.map((row) => ({
    slot: row.slot,
    plugin: row.plugin,
    active: row.active,
    walStatus: row.wal_status,
    lagBytes: number(row.lag_bytes),
    retainedBytes: number(row.retained_bytes),
    safeWalSizeBytes: number(row.safe_wal_size),
  }));
}

import type { Pool } from '@microshop/platform';
import type { GroupLag } from '../tasks/sampler.ts';

// Consumer-group lag over time, from the sampler's passes: kept in PostgreSQL (not in memory) so the
// console's chart survives a restart; a day of it.

export async function saveLagSamples(pool: Pool, at: Date, groups: readonly GroupLag[]): Promise<void> {
  const rows = groups.flatMap((group) =>
    group.partitions.map((p) => [group.group, p.topic, p.partition, String(p.lag)] as const),
  );
  if (rows.length === 0) return;
  await pool.query(
    `INSERT INTO consumer_lag_samples (at, group_id, topic, partition, lag)
     SELECT $1, g, t, p, l FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[]) AS u(g, t, p, l)
     ON CONFLICT DO NOTHING`,
    [at, rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
  );
}

export interface LagPoint {
  at: string;
  lag: number;
}

/** The group's total lag at each sample in the last `minutes`, oldest first. */
export async function lagHistory(pool: Pool, group: string, minutes: number): Promise<LagPoint[]> {
  const { rows } = await pool.query<{ at: Date; lag: string }>(
    `SELECT at, sum(lag)::text AS lag FROM consumer_lag_samples
      WHERE group_id = $1 AND at > now() - make_interval(mins => $2)
      GROUP BY at ORDER BY at`,
    [group, minutes],
  );
  return rows.map((row) => ({ at: new Date(row.at).toISOString(), lag: Number(row.lag) }));
}

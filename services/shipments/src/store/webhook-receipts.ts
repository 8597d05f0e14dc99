import type { Pool } from '@microshop/platform';

// The webhook signatures accepted so far (migrations/003_webhook_receipts.sql).

export const webhookReceiptsTable = 'webhook_receipts';

/** True the first time `replayKey` is seen; false for a replay. */
export async function recordReceipt(pool: Pool, replayKey: string, at: Date): Promise<boolean> {
  const result = await pool.query(
    `INSERT INTO webhook_receipts (replay_key, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
    [replayKey, at],
  );
  return result.rowCount === 1;
}

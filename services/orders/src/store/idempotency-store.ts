import type pg from 'pg';

// Idempotency-Key rows. The key is claimed in the transaction that creates the order, so the
// primary key decides between two concurrent requests with one key: the second waits for the
// first to commit, then finds its row.

export type KeyClaim = { claimed: true } | { claimed: false; fingerprint: string; orderId: string };

/**
 * Claims `key` for the order about to be created. `ON CONFLICT DO NOTHING` waits for a concurrent
 * holder of the key to finish and, if it committed, leaves this transaction usable to read its row.
 */
export async function claimIdempotencyKey(
  client: pg.ClientBase,
  key: string,
  fingerprint: string,
  orderId: string,
): Promise<KeyClaim> {
  const inserted = await client.query(
    `INSERT INTO idempotency_keys (key, fingerprint, order_id) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO NOTHING`,
    [key, fingerprint, orderId],
  );
  if (inserted.rowCount === 1) return { claimed: true };
  const existing = await client.query<{ fingerprint: string; order_id: string }>(
    'SELECT fingerprint, order_id FROM idempotency_keys WHERE key = $1',
    [key],
  );
  const row = existing.rows[0];
  // Only a row deleted between the two statements gets here; the caller's retry claims it then.
  if (row === undefined) throw new Error(`idempotency key ${key} vanished while being claimed`);
  return { claimed: false, fingerprint: row.fingerprint, orderId: row.order_id };
}

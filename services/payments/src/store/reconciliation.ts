import type { Pool, PoolClient } from '@microshop/platform';

// The reconciliation's reads and marks (migrations/002_reconciliation.sql).

export interface ReconcileCandidate {
  orderId: string;
  customerId: string | null;
  /** When the last charge request left; null if none ever did. */
  chargeLastSentAt: Date | null;
  /** The trace the last charge request left in ('' if none): what is learnt of it goes on in it. */
  chargeTraceparent: string;
}

/**
 * Orders to ask the provider about, oldest first, each at most once per `afterMs`: a charge sent at
 * least `afterMs` ago whose outcome was never recorded, and an order that ended at least `afterMs` ago
 * without a capture recorded, or with a capture never refunded. Settled ones are never asked again.
 */
export async function reconcileCandidates(
  pool: Pick<Pool, 'query'>,
  options: { now: Date; afterMs: number; limit: number },
): Promise<ReconcileCandidate[]> {
  const result = await pool.query<{
    order_id: string;
    customer_id: string | null;
    charge_last_sent_at: Date | null;
    charge_traceparent: string;
  }>(
    `SELECT o.order_id, o.customer_id, o.charge_last_sent_at, o.charge_traceparent
     FROM payment_orders o
     LEFT JOIN charges c ON c.order_id = o.order_id
     LEFT JOIN refunds r ON r.order_id = o.order_id
     WHERE o.reconciled_at IS NULL
       AND (o.reconcile_checked_at IS NULL OR o.reconcile_checked_at <= $1::timestamptz - make_interval(secs => $2::double precision / 1000))
       AND (
         (c.order_id IS NULL AND o.charge_last_sent_at <= $1::timestamptz - make_interval(secs => $2::double precision / 1000))
         OR (o.ended_at <= $1::timestamptz - make_interval(secs => $2::double precision / 1000)
             AND (c.order_id IS NULL OR (c.outcome = 'SUCCEEDED' AND r.order_id IS NULL)))
       )
     ORDER BY o.updated_at
     LIMIT $3`,
    [options.now, options.afterMs, options.limit],
  );
  return result.rows.map((row) => ({
    orderId: row.order_id,
    customerId: row.customer_id,
    chargeLastSentAt: row.charge_last_sent_at,
    chargeTraceparent: row.charge_traceparent,
  }));
}

/** The provider was asked about the order at `at`; `settled`: nothing is left to ask, ever. */
export async function markReconciled(
  client: PoolClient,
  orderId: string,
  at: Date,
  settled: boolean,
): Promise<void> {
  await client.query(
    `UPDATE payment_orders SET reconcile_checked_at = $2,
       reconciled_at = CASE WHEN $3 THEN $2 ELSE reconciled_at END
     WHERE order_id = $1`,
    [orderId, at, settled],
  );
}

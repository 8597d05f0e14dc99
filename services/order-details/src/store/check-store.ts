import type { PoolClient } from '@microshop/platform';
import type { DetailsVerdict } from '../domain/rules.ts';

// The verdicts sent, one per order, inside the caller's transaction.

export interface OrderCheck {
  orderId: string;
  customerId: string;
  verdict: DetailsVerdict;
  eventId: string;
}

/**
 * Records the order's verdict; false if the order has one already (announced again under another
 * event id). A concurrent first record of the same order makes this wait for that transaction: if it
 * commits this returns false, so only one verdict is ever sent.
 */
export async function recordCheck(client: PoolClient, check: OrderCheck): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO order_checks (order_id, customer_id, result, reason, event_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (order_id) DO NOTHING`,
    [
      check.orderId,
      check.customerId,
      check.verdict.result,
      check.verdict.result === 'FAIL' ? check.verdict.reason : null,
      check.eventId,
    ],
  );
  return result.rowCount === 1;
}

/** True if the order has its verdict already. */
export async function hasCheck(client: PoolClient, orderId: string): Promise<boolean> {
  const result = await client.query('SELECT 1 FROM order_checks WHERE order_id = $1', [orderId]);
  return result.rowCount === 1;
}

import type { Pool } from '@microshop/platform';
import { type PaymentStatus, paymentStatus } from '../domain/payment.ts';

// What GET /api/v1/payments/{orderId} shows: the order's charges and refunds as recorded, never
// its payment token.

export interface ChargeView {
  paymentId: string | null;
  status: 'SUCCEEDED' | 'FAILED';
  amount: number;
  currency: string;
  reason: string | null;
  idempotencyKey: string;
  createdAt: string;
}

export interface RefundView {
  refundId: string;
  paymentId: string;
  amount: number;
  currency: string;
  reason: string;
  idempotencyKey: string;
  createdAt: string;
}

export interface OrderPayments {
  orderId: string;
  status: PaymentStatus;
  charges: ChargeView[];
  refunds: RefundView[];
}

type Row<T> = Omit<T, 'amount' | 'createdAt'> & { amount: string; createdAt: Date };

/** null when payments has never heard of the order. */
export async function findOrderPayments(pool: Pool, orderId: string): Promise<OrderPayments | null> {
  const [known, charges, refunds] = await Promise.all([
    pool.query('SELECT 1 FROM payment_orders WHERE order_id = $1', [orderId]),
    pool.query<Row<ChargeView>>(
      `SELECT payment_id AS "paymentId", outcome AS status, amount, currency, reason,
              idempotency_key AS "idempotencyKey", created_at AS "createdAt"
         FROM charges WHERE order_id = $1 ORDER BY created_at`,
      [orderId],
    ),
    pool.query<Row<RefundView>>(
      `SELECT refund_id AS "refundId", payment_id AS "paymentId", amount, currency, reason,
              idempotency_key AS "idempotencyKey", created_at AS "createdAt"
         FROM refunds WHERE order_id = $1 ORDER BY created_at`,
      [orderId],
    ),
  ]);
  if (known.rowCount === 0 && charges.rowCount === 0) return null;
  const chargeViews = charges.rows.map((row) => view(row));
  const refundViews = refunds.rows.map((row) => view(row));
  const [charge] = chargeViews;
  const status = paymentStatus({
    charge: charge === undefined ? null : { outcome: charge.status },
    refund: refundViews[0] ?? null,
  });
  return { orderId, status, charges: chargeViews, refunds: refundViews };
}

/** bigint amounts fit a number (totals are capped at 2^53 − 1); times as ISO strings. */
function view<T>(row: Row<T>): T {
  return { ...row, amount: Number(row.amount), createdAt: row.createdAt.toISOString() } as T;
}

/** The customer of the order (from its OrderCreated), or null when payments has not seen it. */
export async function findPaymentOwner(pool: Pool, orderId: string): Promise<string | null> {
  const result = await pool.query<{ customer_id: string | null }>(
    'SELECT customer_id FROM payment_orders WHERE order_id = $1',
    [orderId],
  );
  return result.rows[0]?.customer_id ?? null;
}

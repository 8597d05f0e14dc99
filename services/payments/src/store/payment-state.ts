import { type Pool, type PoolClient, unreachable } from '@microshop/platform';
import {
  type ChargeRecord,
  chargeKey,
  emptyState,
  type OrderEnd,
  type PaymentFact,
  type PaymentState,
  type RefundRecord,
  refundKey,
} from '../domain/payment.ts';

// The SQL of payments' state (migrations/001_payments.sql). Reads take a pool or a client; the
// facts `decide` asks to record are written in the caller's transaction, after lockOrder.

type Queryable = Pick<Pool, 'query'> | PoolClient;

/**
 * Serialises the handling of one order for the rest of the transaction, across instances: during
 * a rebalance two members may briefly handle the same partition, and the check "was the order
 * cancelled while we charged?" must see the other's commit.
 */
export async function lockOrder(client: PoolClient, orderId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`payments:${orderId}`]);
}

interface StateRow {
  payment_reference: string | null;
  ended_status: OrderEnd | null;
  charge_attempted: boolean;
  outcome: ChargeRecord['outcome'] | null;
  payment_id: string | null;
  amount: string | null;
  currency: string | null;
  charge_reason: string | null;
  refund_id: string | null;
  refund_payment_id: string | null;
  refund_amount: string | null;
  refund_currency: string | null;
  refund_reason: OrderEnd | null;
}

export async function readState(db: Queryable, orderId: string): Promise<PaymentState> {
  const result = await db.query<StateRow>(
    `SELECT o.payment_reference, o.ended_status, o.charge_attempted_at IS NOT NULL AS charge_attempted,
            c.outcome, c.payment_id, c.amount, c.currency, c.reason AS charge_reason,
            r.refund_id, r.payment_id AS refund_payment_id, r.amount AS refund_amount,
            r.currency AS refund_currency, r.reason AS refund_reason
       FROM (SELECT $1::uuid AS order_id) AS k
       LEFT JOIN payment_orders o ON o.order_id = k.order_id
       LEFT JOIN charges c ON c.order_id = k.order_id
       LEFT JOIN refunds r ON r.order_id = k.order_id`,
    [orderId],
  );
  const row = result.rows[0];
  return row === undefined ? emptyState : stateOf(row);
}

function stateOf(row: StateRow): PaymentState {
  const charge: ChargeRecord | null =
    row.outcome === null
      ? null
      : {
          outcome: row.outcome,
          paymentId: row.payment_id,
          amount: Number(row.amount),
          currency: row.currency ?? '',
          reason: row.charge_reason,
        };
  const refund: RefundRecord | null =
    row.refund_id === null
      ? null
      : {
          refundId: row.refund_id,
          paymentId: row.refund_payment_id ?? '',
          amount: Number(row.refund_amount),
          currency: row.refund_currency ?? '',
          reason: row.refund_reason ?? 'CANCELLED',
        };
  return {
    reference: row.payment_reference,
    ended: row.ended_status,
    chargeAttempted: row.charge_attempted === true,
    charge,
    refund,
  };
}

/**
 * Notes that a charge request is about to be sent (the first time, and the latest). Its own
 * statement, outside the event's transaction on purpose: it must survive a handler that never gets
 * to commit. Reconciliation asks the provider about such charges (tasks/reconciler.ts), and what it
 * learns goes on in `traceparent`, the trace the request was sent in.
 */
export async function markChargeAttempted(
  db: Queryable,
  orderId: string,
  at: Date,
  traceparent = '',
): Promise<void> {
  await db.query(
    `INSERT INTO payment_orders
       (order_id, charge_attempted_at, charge_last_sent_at, charge_traceparent, created_at, updated_at)
     VALUES ($1, $2, $2, $3, $2, $2)
     ON CONFLICT (order_id) DO UPDATE
       SET charge_attempted_at = coalesce(payment_orders.charge_attempted_at, excluded.charge_attempted_at),
           charge_last_sent_at = excluded.charge_last_sent_at,
           charge_traceparent = excluded.charge_traceparent`,
    [orderId, at, traceparent],
  );
}

/** The fast path for a redelivered event: already in the inbox, so no provider call is needed. */
export async function isHandled(db: Queryable, consumer: string, eventId: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2', [
    consumer,
    eventId,
  ]);
  return result.rowCount === 1;
}

export interface OrderRef {
  orderId: string;
  customerId: string;
}

/** Writes `facts`, in order, in the caller's transaction (the outbox rows are written apart). */
export async function recordFacts(
  client: PoolClient,
  order: OrderRef,
  facts: readonly PaymentFact[],
  at: Date,
): Promise<void> {
  for (const fact of facts) await recordFact(client, order, fact, at);
}

async function recordFact(client: PoolClient, order: OrderRef, fact: PaymentFact, at: Date): Promise<void> {
  switch (fact.type) {
    case 'PaymentMethodRemembered':
      return upsertOrder(client, order, { reference: fact.reference, end: null }, at);
    case 'OrderEnded':
      return upsertOrder(client, order, { reference: null, end: fact.end }, at);
    case 'ChargeRecorded':
      return insertCharge(client, order.orderId, fact.charge, at);
    case 'RefundRecorded':
      return insertRefund(client, order.orderId, fact.refund, at);
    default:
      return unreachable(fact);
  }
}

/** The order's row; what it already holds wins (a first reference, a first end). */
async function upsertOrder(
  client: PoolClient,
  order: OrderRef,
  change: { reference: string | null; end: OrderEnd | null },
  at: Date,
): Promise<void> {
  await client.query(
    `INSERT INTO payment_orders (order_id, customer_id, payment_reference, ended_status, ended_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, CASE WHEN $4::text IS NULL THEN NULL ELSE $5::timestamptz END, $5, $5)
     ON CONFLICT (order_id) DO UPDATE SET
       customer_id = coalesce(payment_orders.customer_id, excluded.customer_id),
       payment_reference = coalesce(payment_orders.payment_reference, excluded.payment_reference),
       ended_status = coalesce(payment_orders.ended_status, excluded.ended_status),
       ended_at = coalesce(payment_orders.ended_at, excluded.ended_at),
       updated_at = excluded.updated_at`,
    [order.orderId, order.customerId, change.reference, change.end, at],
  );
}

async function insertCharge(
  client: PoolClient,
  orderId: string,
  charge: ChargeRecord,
  at: Date,
): Promise<void> {
  await client.query(
    `INSERT INTO charges (order_id, payment_id, outcome, amount, currency, reason, idempotency_key, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      orderId,
      charge.paymentId,
      charge.outcome,
      charge.amount,
      charge.currency,
      charge.reason,
      chargeKey(orderId),
      at,
    ],
  );
}

async function insertRefund(
  client: PoolClient,
  orderId: string,
  refund: RefundRecord,
  at: Date,
): Promise<void> {
  await client.query(
    `INSERT INTO refunds (order_id, refund_id, payment_id, amount, currency, reason, idempotency_key, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      orderId,
      refund.refundId,
      refund.paymentId,
      refund.amount,
      refund.currency,
      refund.reason,
      refundKey(orderId),
      at,
    ],
  );
}

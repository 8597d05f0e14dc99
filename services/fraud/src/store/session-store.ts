import { concurrentUpdate, type PoolClient } from '@microshop/platform';
import type { FraudVerdict, Session } from '../domain/session.ts';

// Reads and writes of the session windows, each inside the caller's transaction (handleOnce).

interface SessionRow {
  customer_id: string;
  currency: string;
  started_at: Date;
  last_order_at: Date;
  total: string;
  order_count: number;
}

/**
 * The customer's latest session in `currency`, row-locked until commit: the orders of one customer
 * and currency are counted one after another even when two instances hold the same partition for a
 * moment during a rebalance. Null when the customer has no session in that currency yet.
 */
export async function lockCurrentSession(
  client: PoolClient,
  customerId: string,
  currency: string,
): Promise<Session | null> {
  const result = await client.query<SessionRow>(
    `SELECT customer_id, currency, started_at, last_order_at, total, order_count
     FROM current_sessions WHERE customer_id = $1 AND currency = $2 FOR UPDATE`,
    [customerId, currency],
  );
  const row = result.rows[0];
  if (row === undefined) return null;
  return {
    customerId: row.customer_id,
    currency: row.currency,
    startedAt: row.started_at,
    lastOrderAt: row.last_order_at,
    total: Number(row.total),
    orderCount: row.order_count,
  };
}

/**
 * Stores `session` as the current one. `existed` says whether `lockCurrentSession` found a row. When it
 * did not, two transactions may both be counting the customer's first order in this currency: the
 * second INSERT waits for the first and then finds the key taken, and fails retriably, so the consumer
 * runs it again and this time it reads and locks the row.
 */
export async function saveCurrentSession(
  client: PoolClient,
  session: Session,
  existed: boolean,
): Promise<void> {
  const values = [
    session.customerId,
    session.currency,
    session.startedAt,
    session.lastOrderAt,
    session.total,
    session.orderCount,
  ];
  if (existed) {
    await client.query(
      `UPDATE current_sessions SET started_at = $3, last_order_at = $4, total = $5, order_count = $6,
         updated_at = now()
       WHERE customer_id = $1 AND currency = $2`,
      values,
    );
    return;
  }
  const inserted = await client.query(
    `INSERT INTO current_sessions (customer_id, currency, started_at, last_order_at, total, order_count)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (customer_id, currency) DO NOTHING`,
    values,
  );
  if (inserted.rowCount !== 1) {
    throw concurrentUpdate(`session of ${session.customerId}/${session.currency} created concurrently`);
  }
}

export interface CountedOrder {
  orderId: string;
  eventId: string;
  createdAt: Date;
  amount: number;
  session: Session;
  verdict: FraudVerdict;
}

/** Whether the order was counted already (announced again under another event id). */
export async function isCounted(client: PoolClient, orderId: string): Promise<boolean> {
  const result = await client.query('SELECT 1 FROM session_orders WHERE order_id = $1', [orderId]);
  return result.rowCount === 1;
}

export async function recordCountedOrder(client: PoolClient, counted: CountedOrder): Promise<void> {
  const { session, verdict } = counted;
  await client.query(
    `INSERT INTO session_orders (order_id, customer_id, currency, session_started_at, order_created_at,
       amount, session_total, result, reason, event_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      counted.orderId,
      session.customerId,
      session.currency,
      session.startedAt,
      counted.createdAt,
      counted.amount,
      session.total,
      verdict.result,
      verdict.result === 'FAIL' ? verdict.reason : null,
      counted.eventId,
    ],
  );
}

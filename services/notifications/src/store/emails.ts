import type { Pool, PoolClient } from '@microshop/platform';
import type { Delivery } from '../domain/delivery.ts';
import type { EmailStatus } from '../domain/emails.ts';

// The emails table: queued in an order event's transaction, claimed, then marked, by the sender loop.

export interface NewEmail {
  orderId: string;
  orderStatus: EmailStatus;
  customerId: string;
  recipient: string;
  subject: string;
  text: string;
  messageId: string;
  eventId: string;
  createdAt: Date;
}

export interface EmailRow extends Delivery {
  orderId: string;
  /** The order's customer: the one who may read the email besides operators. */
  customerId: string;
  orderStatus: EmailStatus;
  recipient: string;
  subject: string;
  text: string;
  messageId: string;
  createdAt: Date;
}

const columns = `order_id AS "orderId", customer_id AS "customerId", order_status AS "orderStatus", recipient,
  subject, body AS text, message_id AS "messageId", state, attempts, next_attempt_at AS "nextAttemptAt",
  claimed_until AS "claimedUntil", last_error AS "lastError", created_at AS "createdAt", sent_at AS "sentAt"`;

/** Queues the email, due at once. False if (order, status) already has one: nothing is inserted. */
export async function queueEmail(client: PoolClient, email: NewEmail): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO emails (order_id, order_status, customer_id, recipient, subject, body, message_id,
                         event_id, next_attempt_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
     ON CONFLICT (order_id, order_status) DO NOTHING`,
    [
      email.orderId,
      email.orderStatus,
      email.customerId,
      email.recipient,
      email.subject,
      email.text,
      email.messageId,
      email.eventId,
      email.createdAt,
    ],
  );
  return result.rowCount === 1;
}

/**
 * Locks up to `limit` emails claimable at `now` — PENDING and due, or SENDING under a lapsed claim —
 * oldest due first, for the caller's (short) claim transaction. SKIP LOCKED: another instance's sender
 * passes over rows this one holds, and once the claim commits they are SENDING under a live claim.
 */
export async function lockClaimable(client: PoolClient, now: Date, limit: number): Promise<EmailRow[]> {
  const result = await client.query<EmailRow>(
    `SELECT ${columns} FROM emails
     WHERE (state = 'PENDING' AND next_attempt_at <= $1) OR (state = 'SENDING' AND claimed_until <= $1)
     ORDER BY next_attempt_at, created_at
     LIMIT $2
     FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return result.rows;
}

/**
 * The emails, locked for the caller's transaction (recording the attempts of one pass), in key order
 * so two recorders never wait for each other in a cycle; an email that is gone is not among them.
 */
export async function lockEmails(client: PoolClient, keys: readonly EmailKey[]): Promise<EmailRow[]> {
  const result = await client.query<EmailRow>(
    `SELECT ${columns} FROM emails
     WHERE (order_id, order_status) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))
     ORDER BY order_id, order_status
     FOR UPDATE`,
    [keys.map((key) => key.orderId), keys.map((key) => key.orderStatus)],
  );
  return result.rows;
}

export interface EmailKey {
  orderId: string;
  orderStatus: EmailStatus;
}

/** Writes where each email's delivery stands, in one statement (the rows are the caller's, locked). */
export async function saveDeliveries(
  client: PoolClient,
  changes: readonly { key: EmailKey; delivery: Delivery }[],
): Promise<void> {
  if (changes.length === 0) return;
  const column = <T>(pick: (change: { key: EmailKey; delivery: Delivery }) => T) => changes.map(pick);
  await client.query(
    `UPDATE emails AS e SET state = d.state, attempts = d.attempts, next_attempt_at = d.next_attempt_at,
       claimed_until = d.claimed_until, last_error = d.last_error, sent_at = d.sent_at
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::timestamptz[],
                 $7::text[], $8::timestamptz[])
       AS d(order_id, order_status, state, attempts, next_attempt_at, claimed_until, last_error, sent_at)
     WHERE e.order_id = d.order_id AND e.order_status = d.order_status`,
    [
      column((c) => c.key.orderId),
      column((c) => c.key.orderStatus),
      column((c) => c.delivery.state),
      column((c) => c.delivery.attempts),
      column((c) => c.delivery.nextAttemptAt),
      column((c) => c.delivery.claimedUntil),
      column((c) => c.delivery.lastError),
      column((c) => c.delivery.sentAt),
    ],
  );
}

/** The emails of an order, in the order they were queued. */
export async function emailsOfOrder(pool: Pool, orderId: string): Promise<EmailRow[]> {
  const result = await pool.query<EmailRow>(
    `SELECT ${columns} FROM emails WHERE order_id = $1 ORDER BY created_at, order_status`,
    [orderId],
  );
  return result.rows;
}

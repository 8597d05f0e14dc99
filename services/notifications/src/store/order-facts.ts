import {
  type CustomerLevel,
  customerLevelSchema,
  type PaymentRefunded,
  type PaymentSucceeded,
  type ShipmentDispatched,
} from '@microshop/contracts';
import type { PoolClient } from '@microshop/platform';
import type { EmailStatus, OrderFacts } from '../domain/emails.ts';

// What the payments and shipments topics said about an order, inside the caller's transaction.

/** A second charge of one order (it should not happen) replaces the first: the email names the last. */
export async function recordCharge(
  client: PoolClient,
  event: PaymentSucceeded,
  eventId: string,
): Promise<void> {
  await client.query(
    `INSERT INTO order_charges (order_id, payment_id, amount, currency, event_id)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (order_id) DO UPDATE SET
       payment_id = excluded.payment_id, amount = excluded.amount, currency = excluded.currency,
       event_id = excluded.event_id`,
    [event.orderId, event.paymentId, event.amount, event.currency, eventId],
  );
}

/** Keyed by refund id: the same refund announced twice is counted once. */
export async function recordRefund(
  client: PoolClient,
  event: PaymentRefunded,
  eventId: string,
): Promise<void> {
  await client.query(
    `INSERT INTO order_refunds (refund_id, order_id, amount, currency, event_id)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (refund_id) DO NOTHING`,
    [event.refundId, event.orderId, event.amount, event.currency, eventId],
  );
}

export async function recordDispatch(
  client: PoolClient,
  event: ShipmentDispatched,
  eventId: string,
): Promise<void> {
  await client.query(
    `INSERT INTO order_shipments (order_id, shipment_id, tracking_number, carrier, event_id)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (order_id) DO UPDATE SET
       shipment_id = excluded.shipment_id, tracking_number = excluded.tracking_number,
       carrier = excluded.carrier, event_id = excluded.event_id`,
    [event.orderId, event.shipmentId, event.trackingNumber, event.carrier, eventId],
  );
}

interface StateRow {
  level: string | null;
  name: string | null;
  email: string | null;
  queued: boolean;
  charged_amount: string | null;
  charged_currency: string | null;
  refunded_amount: string | null;
  refunded_currency: string | null;
  tracking_number: string | null;
  carrier: string | null;
  approved: boolean;
}

export interface EmailState {
  /** The customer copy (level, name, address), null while no event of the customer has arrived. */
  customer: { level: CustomerLevel; name: string; email: string } | null;
  /** The (order, status) email exists already. */
  queued: boolean;
  facts: OrderFacts;
}

/**
 * What an email of the order needs, in one round trip: the customer copy, whether this status's email
 * is queued already, and everything known about the order. Refunds are summed per order (one currency).
 */
export async function emailStateOf(
  client: PoolClient,
  key: { orderId: string; customerId: string; status: EmailStatus },
): Promise<EmailState> {
  const result = await client.query<StateRow>(
    `SELECT cu.level, cu.name, cu.email,
            EXISTS (SELECT 1 FROM emails e WHERE e.order_id = $1 AND e.order_status = $3) AS queued,
            c.amount AS charged_amount, c.currency AS charged_currency,
            r.amount AS refunded_amount, r.currency AS refunded_currency,
            s.tracking_number, s.carrier,
            EXISTS (SELECT 1 FROM emails e WHERE e.order_id = $1 AND e.order_status = 'APPROVED') AS approved
     FROM (SELECT 1) AS one
     LEFT JOIN customers cu ON cu.id = $2
     LEFT JOIN order_charges c ON c.order_id = $1
     LEFT JOIN (SELECT sum(amount) AS amount, min(currency) AS currency
                FROM order_refunds WHERE order_id = $1 HAVING count(*) > 0) r ON true
     LEFT JOIN order_shipments s ON s.order_id = $1`,
    [key.orderId, key.customerId, key.status],
  );
  const row = result.rows[0];
  if (row === undefined) throw new Error('the email state query returns one row');
  return {
    customer:
      row.level === null || row.name === null || row.email === null
        ? null
        : { level: customerLevelSchema.parse(row.level), name: row.name, email: row.email },
    queued: row.queued,
    facts: {
      charged: money(row.charged_amount, row.charged_currency),
      refunded: money(row.refunded_amount, row.refunded_currency),
      tracking:
        row.tracking_number === null || row.carrier === null
          ? null
          : { trackingNumber: row.tracking_number, carrier: row.carrier },
      approved: row.approved,
    },
  };
}

/** bigint columns arrive as text; amounts are within 2^53 (the contracts bound them). */
function money(amount: string | null, currency: string | null) {
  return amount === null || currency === null ? null : { amount: Number(amount), currency };
}

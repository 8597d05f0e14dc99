import type { Order, OrderEvent, OrderStatus } from '@microshop/contracts';
import type pg from 'pg';

// SQL for the orders tables (migrations/001_orders.sql). Every function takes the client of the
// caller's transaction (or a pool for a plain read): the transaction boundary belongs to the
// caller, which also writes the outbox rows of the same change.

/** Anything that runs a query: a pool for single reads, a transaction's client for the rest. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/** Every status change sends this notification with the order id as payload, in its transaction. */
export const orderStatusChannel = 'order_status_changed';

export interface StoredOrder {
  order: Order;
  /** Every status the order has had, oldest first; the last one is `order.status`. */
  history: readonly OrderStatus[];
}

interface OrderRow {
  id: string;
  customer_id: string;
  currency: string;
  total: string;
  status: OrderStatus;
  reasons: string[];
  created_at: Date;
  updated_at: Date;
  items: Order['items'] | null;
  history: OrderStatus[] | null;
}

// One statement, so the order, its lines and its history come from one snapshot.
const selectOrderSql = `
  SELECT o.id, o.customer_id, o.currency, o.total, o.status, o.reasons, o.created_at, o.updated_at,
    (SELECT json_agg(json_build_object('sku', i.sku, 'quantity', i.quantity, 'unitPrice', i.unit_price)
                     ORDER BY i.line_no)
       FROM order_items i WHERE i.order_id = o.id) AS items,
    (SELECT array_agg(h.status ORDER BY h.seq)
       FROM order_status_history h WHERE h.order_id = o.id) AS history
  FROM orders o
  WHERE o.id = $1`;

/**
 * The order with its lines and status history, or null. With `forUpdate` the order row is locked
 * first (the caller must be in a transaction) and read afterwards, so the read sees every change
 * committed before the lock was granted.
 */
export async function loadOrder(
  db: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<StoredOrder | null> {
  if (options.forUpdate) {
    const locked = await db.query('SELECT 1 FROM orders WHERE id = $1 FOR UPDATE', [id]);
    if (locked.rowCount === 0) return null;
  }
  const result = await db.query<OrderRow>(selectOrderSql, [id]);
  const row = result.rows[0];
  return row === undefined ? null : toStoredOrder(row);
}

function toStoredOrder(row: OrderRow): StoredOrder {
  const order: Order = {
    id: row.id,
    customerId: row.customer_id,
    items: row.items ?? [],
    currency: row.currency,
    // bigint arrives as text; the domain keeps totals within 2^53 − 1, so Number is exact.
    total: Number(row.total),
    status: row.status,
    reasons: row.reasons,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  return { order, history: row.history ?? [] };
}

// Each write below is one statement (data-modifying CTEs), prepared once per connection: a status
// change costs one round trip and no re-planning, and the create transaction is BEGIN, this, the
// outbox insert, COMMIT. Rows of sibling CTEs are visible to the foreign-key checks,
// which run at the end of the statement.

/** The history rows of `events` (numbered from `base`) and the wake-up of blocking GETs. */
const historyAndNotifySql = (base: string) => `
  history AS (
    INSERT INTO order_status_history (order_id, seq, status, at, reasons)
    SELECT $1::uuid, ${base} + t.n, t.status, t.at, t.reasons
    FROM unnest($2::text[], $3::timestamptz[], $4::jsonb[]) WITH ORDINALITY AS t(status, at, reasons, n))
  SELECT pg_notify($5, $1::text)`;

function historyParams(order: Order, events: readonly OrderEvent[]): unknown[] {
  return [
    order.id,
    events.map((event) => event.status),
    events.map((event) => event.order.updatedAt),
    events.map((event) => JSON.stringify(event.order.reasons)),
    orderStatusChannel,
  ];
}

const insertOrderSql = `
  WITH new_order AS (
    INSERT INTO orders (id, customer_id, currency, total, status, reasons, created_at, updated_at)
    VALUES ($1::uuid, $6, $7, $8, $9, $10, $11, $12)),
  lines AS (
    INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price)
    SELECT $1::uuid, n - 1, sku, quantity, unit_price
    FROM unnest($13::text[], $14::int[], $15::bigint[]) WITH ORDINALITY AS t(sku, quantity, unit_price, n)),
  ${historyAndNotifySql('0')}`;

/**
 * Inserts a new order as it is after `events` (its creation): the order row, its lines, one history
 * row per event, and the notification that wakes blocking GETs once the transaction commits.
 */
export async function insertOrder(
  client: pg.ClientBase,
  order: Order,
  events: readonly OrderEvent[],
): Promise<void> {
  await client.query({
    name: 'orders.insert',
    text: insertOrderSql,
    values: [
      ...historyParams(order, events),
      order.customerId,
      order.currency,
      order.total,
      order.status,
      JSON.stringify(order.reasons),
      order.createdAt,
      order.updatedAt,
      order.items.map((item) => item.sku),
      order.items.map((item) => item.quantity),
      order.items.map((item) => item.unitPrice),
    ],
  });
}

const recordChangesSql = `
  WITH changed AS (
    UPDATE orders SET status = $6, reasons = $7, updated_at = $8, version = version + 1 WHERE id = $1::uuid),
  base AS (SELECT coalesce(max(seq), 0) AS seq FROM order_status_history WHERE order_id = $1::uuid),
  ${historyAndNotifySql('(SELECT seq FROM base)')}`;

/**
 * Stores the order as it is after `events` (the envelopes `outboxEventsFor` built, each with the
 * order right after its change): the order row, one history row per event, and the notification
 * that wakes blocking GETs once the transaction commits (NOTIFY is delivered at commit, never on
 * rollback). The caller holds the row lock, so history sequence numbers cannot collide.
 */
export async function recordChanges(
  client: pg.ClientBase,
  order: Order,
  events: readonly OrderEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await client.query({
    name: 'orders.record-changes',
    text: recordChangesSql,
    values: [...historyParams(order, events), order.status, JSON.stringify(order.reasons), order.updatedAt],
  });
}

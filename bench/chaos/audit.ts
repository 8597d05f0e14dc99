// The chaos run's audit, from the databases (as the superuser, over the stack's private socket), the
// outside world's ledgers and the operations API. It waits for the orders to end, then checks:
//   - lost: accepted (201) but not in the orders database;
//   - stuck: not DELIVERED, FAILED or CANCELLED within 60 s of the end of the last fault and of the
//     load (SHIPPED is not an end: the stack's carrier delivers within seconds of shipping);
//   - money: at most one charge per order at the provider; a delivered order charged once and not
//     refunded; a failed or cancelled one never charged or refunded in full;
//   - stock: initial = on hand + shipped, nothing reserved;
//   - email: one per order and notable status, by Message-ID at the mail sink (a second copy with the
//     same Message-ID is a re-send after a crash between send and record, counted apart);
//   - dead letters: each listed with its group, topic and reason;
//   - outbox drained: a heartbeat written after the audit began came back through the outbox,
//     Debezium and Kafka, so every outbox row written before it is on Kafka.
import { setTimeout as sleep } from 'node:timers/promises';
import { withSuperuser } from '../../infra/src/postgres.ts';
import type { ChaosStack } from './faults.ts';
import { readMailbox, readProviderLedger } from './ledgers.ts';
import type { ChaosShop } from './load.ts';

export const endStatuses = ['DELIVERED', 'FAILED', 'CANCELLED'];
const emailStatuses = ['APPROVED', 'SHIPPED', 'DELIVERED', 'FAILED', 'CANCELLED'];

export interface OrderRow extends Record<string, unknown> {
  id: string;
  status: string;
  reasons: string[];
}

export interface MoneyFindings {
  doubleCharged: string[];
  deliveredNotCharged: string[];
  deliveredRefunded: string[];
  endedChargedNotRefunded: string[];
}

export interface StockFindings {
  /** Per product: initial, on hand, reserved, shipped; `ok` if initial = on hand + shipped and reserved = 0. */
  products: {
    sku: string;
    initial: number;
    onHand: number;
    reserved: number;
    shipped: number;
    ok: boolean;
  }[];
  oversold: number;
  openReservations: number;
}

export interface EmailFindings {
  expected: number;
  missing: string[];
  resent: string[];
  failed: string[];
  unsent: number;
}

export function query<Row extends Record<string, unknown>>(
  stack: ChaosStack,
  sql: string,
  values: unknown[] = [],
): Promise<Row[]> {
  return withSuperuser(stack.settings, stack.settings.pg.database, async (client) => {
    return (await client.query<Row>(sql, values)).rows;
  });
}

export async function ordersOf(stack: ChaosStack, ids: readonly string[]): Promise<OrderRow[]> {
  return query<OrderRow>(
    stack,
    'select id::text, status, reasons from orders.orders where id = any($1::uuid[])',
    [ids],
  );
}

/**
 * Polls until every accepted order has ended or `deadline` has passed; returns the last reading and
 * when the last order ended (null if some never did).
 */
export async function awaitEnds(
  stack: ChaosStack,
  ids: readonly string[],
  deadline: number,
): Promise<{ rows: OrderRow[]; allEndedAt: number | null }> {
  for (;;) {
    const rows = await ordersOf(stack, ids).catch(() => undefined);
    if (rows && rows.length === ids.length && rows.every((row) => endStatuses.includes(row.status)))
      return { rows, allEndedAt: Date.now() };
    if (Date.now() > deadline) return { rows: rows ?? (await ordersOf(stack, ids)), allEndedAt: null };
    await sleep(2000);
  }
}

export function auditMoney(stack: ChaosStack, rows: readonly OrderRow[]): MoneyFindings {
  const ledger = readProviderLedger(stack.instances);
  const findings: MoneyFindings = {
    doubleCharged: [],
    deliveredNotCharged: [],
    deliveredRefunded: [],
    endedChargedNotRefunded: [],
  };
  for (const row of rows) {
    const charges = ledger.chargesByOrder.get(row.id) ?? [];
    const unrefunded = charges.filter((c) => (ledger.refundedByCharge.get(c.id) ?? 0) < c.amount);
    if (charges.length > 1) findings.doubleCharged.push(row.id);
    if (row.status === 'DELIVERED' || row.status === 'SHIPPED') {
      if (charges.length === 0) findings.deliveredNotCharged.push(row.id);
      else if (unrefunded.length === 0) findings.deliveredRefunded.push(row.id);
    } else if ((row.status === 'FAILED' || row.status === 'CANCELLED') && unrefunded.length > 0) {
      findings.endedChargedNotRefunded.push(row.id);
    }
  }
  return findings;
}

export async function auditStock(stack: ChaosStack, shop: ChaosShop): Promise<StockFindings> {
  const skus = shop.products.map((product) => product.sku);
  const stock = await query<{ sku: string; stock: string; reserved: string }>(
    stack,
    'select sku, stock::text, reserved::text from inventory.products where sku = any($1)',
    [skus],
  );
  const [open] = await query<{ count: string }>(
    stack,
    "select count(*)::text as count from inventory.reservations where sku = any($1) and state = 'RESERVED'",
    [skus],
  );
  // Every order of these products that shipped, from the orders service: an order whose 201 never
  // reached the run (counted refused) may still have been created and shipped.
  const shippedRows = await query<{ sku: string; units: string }>(
    stack,
    `select i.sku, sum(i.quantity)::text as units
     from orders.order_items i join orders.orders o on o.id = i.order_id
     where i.sku = any($1) and o.status in ('SHIPPED', 'DELIVERED') group by i.sku`,
    [skus],
  );
  const shipped = new Map(shippedRows.map((row) => [row.sku, Number(row.units)]));
  const products = shop.products.map(({ sku, stock: initial }) => {
    const found = stock.find((row) => row.sku === sku);
    const onHand = Number(found?.stock ?? Number.NaN);
    const reserved = Number(found?.reserved ?? Number.NaN);
    const out = shipped.get(sku) ?? 0;
    return { sku, initial, onHand, reserved, shipped: out, ok: initial === onHand + out && reserved === 0 };
  });
  const oversold = products.reduce((sum, p) => sum + Math.max(0, p.shipped - p.initial), 0);
  return { products, oversold, openReservations: Number(open?.count ?? 0) };
}

/** Waits (up to `timeoutMs`) for the notifications service to have sent or given up on every email. */
export async function awaitEmailsSettled(stack: ChaosStack, ids: readonly string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await query<{ count: string }>(
      stack,
      "select count(*)::text as count from notifications.emails where order_id = any($1::uuid[]) and state in ('PENDING', 'SENDING')",
      [ids],
    ).catch(() => [{ count: '1' }]);
    if (Number(row?.count) === 0 || Date.now() > deadline) return Number(row?.count ?? 0);
    await sleep(2000);
  }
}

export async function auditEmails(stack: ChaosStack, ids: readonly string[]): Promise<EmailFindings> {
  const unsent = await awaitEmailsSettled(stack, ids, 120_000);
  const reached = await query<{ order_id: string; status: string }>(
    stack,
    'select distinct order_id::text, status from orders.order_status_history where order_id = any($1::uuid[]) and status = any($2)',
    [ids, emailStatuses],
  );
  const failed = await query<{ message_id: string; last_error: string }>(
    stack,
    "select message_id, coalesce(last_error, '') as last_error from notifications.emails where order_id = any($1::uuid[]) and state = 'FAILED'",
    [ids],
  );
  const received = readMailbox(stack.instances);
  const expected = reached.map((row) => `<${row.order_id}.${row.status}@microshop>`);
  return {
    expected: expected.length,
    missing: expected.filter((id) => !received.has(id)),
    resent: expected.filter((id) => (received.get(id) ?? 0) > 1),
    failed: failed.map((row) => `${row.message_id}: ${row.last_error}`),
    unsent,
  };
}

// The raw card token reaches payments only. After a whole checkout paid with a card token no other
// test uses, an OrderCreated of that order dead-lettered by every reader, and the order's
// notification parked, the token is found nowhere: on no topic (the dead-letter topic and Kafka
// Connect's own included, each read from the beginning), in no table of any service schema (payments
// included: it keeps the token only encrypted; the spans the operations service stores included), and
// in no log line of any part of the stack.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sandboxTokens, topics } from '@microshop/contracts';
import type { CollectedMessage } from '@microshop/platform/testing';
import { serviceSchemas } from '../infra/src/apphost.ts';
import { eventually } from './lib/api.ts';
import { query } from './lib/db.ts';
import { everyMessage, everyTopic, messagesAbout, produce } from './lib/kafka.ts';
import { awaitStatus, placeOrder, putProduct, registerCustomer, uniqueSku } from './lib/shop.ts';
import { testDirs } from './lib/stack.ts';
import { deliveredSpan, orderPath, traceOfOrder } from './lib/traces.ts';

/** The text, and the hex PostgreSQL shows a bytea in: how a stored copy of it would show. */
function traces(needle: string): string[] {
  return [needle, Buffer.from(needle).toString('hex')];
}

function leaks(text: string, needle: string): boolean {
  return traces(needle).some((trace) => text.includes(trace));
}

/** The order's OrderCreated as Debezium published it. */
async function orderCreatedOf(orderId: string): Promise<CollectedMessage> {
  const messages = await messagesAbout(topics.orderOutbox, [orderId]);
  const created = messages.find((m) => m.headers.type === 'OrderCreated');
  assert.ok(created, `OrderCreated of ${orderId}`);
  return created;
}

/** A copy of the event under a new id, changed by `change`: what a reader gets as a new record. */
async function republish(original: CollectedMessage, change: (value: Record<string, unknown>) => void) {
  const value = JSON.parse(original.rawValue ?? '{}') as Record<string, unknown>;
  const id = randomUUID();
  value.id = id;
  change(value);
  const key = String(value.customerId);
  await produce([
    { topic: topics.orderOutbox, key, value: JSON.stringify(value), headers: { ...original.headers, id } },
  ]);
}

/** The topics with a record (key, headers or value) that shows `needle`. */
async function topicsShowing(needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const topic of await everyTopic()) {
    const records = await everyMessage(topic);
    const text = records.map((m) => JSON.stringify([m.key, m.headers, m.rawValue])).join('\n');
    if (leaks(text, needle)) found.push(topic);
  }
  return found;
}

/** The tables of every service schema with a row (as text) that shows `needle`. */
async function tablesShowing(needle: string): Promise<string[]> {
  const tables = await query<{ schema: string; name: string }>(
    `select schemaname as schema, tablename as name from pg_tables where schemaname = any($1::text[])`,
    [serviceSchemas()],
  );
  assert.ok(tables.length > serviceSchemas().length, 'every service schema has its tables');
  const found: string[] = [];
  for (const { schema, name } of tables) {
    const rows = await query<{ row: string }>(`select t::text as row from "${schema}"."${name}" t`);
    if (leaks(rows.map((r) => r.row).join('\n'), needle)) found.push(`${schema}.${name}`);
  }
  return found;
}

/** The log files of the stack that show `needle`. */
function logsShowing(needle: string): string[] {
  const dir = testDirs.logs;
  return readdirSync(dir).filter((file) => leaks(readFileSync(join(dir, file), 'utf8'), needle));
}

describe('the card token', () => {
  it('is found on no topic, in no table and in no log after a checkout, a dead-lettered event and a parked notification', {
    timeout: 180_000,
  }, async () => {
    const token = `${sandboxTokens.success}_${randomUUID()}`;
    const sku = uniqueSku('E2E-CARD');
    await putProduct(sku, { unitPrice: 1_500, stock: 5 });
    const customer = await registerCustomer();

    const order = await placeOrder(customer.id, [{ sku, quantity: 2, unitPrice: 1_500 }], { token });
    const delivered = await awaitStatus(order.id, ['DELIVERED', 'FAILED', 'CANCELLED'], {
      timeoutMs: 60_000,
    });
    assert.equal(delivered.status, 'DELIVERED', JSON.stringify(delivered));
    const created = await orderCreatedOf(order.id);

    // Every reader of OrderCreated parks a copy it cannot read on the dead-letter topic.
    await republish(created, (value) => {
      (value.order as Record<string, unknown>).total = 'not a number';
    });
    await messagesAbout(topics.deadLetter, [order.id]);

    // The same order under a customer notifications does not know: it parks it, waiting for one.
    const stranger = randomUUID();
    await republish(created, (value) => {
      value.customerId = stranger;
      value.occurredAt = new Date().toISOString();
      (value.order as Record<string, unknown>).customerId = stranger;
    });
    const parked = await eventually('the order event parked in notifications', async () => {
      const rows = await query<{ event: string }>(
        'select event::text as event from notifications.parked_events where order_id = $1 and customer_id = $2',
        [order.id, stranger],
      );
      return rows[0]?.event;
    });
    assert.equal(leaks(parked, token), false, 'the parked event shows the token');
    assert.equal((JSON.parse(parked) as { orderId: string }).orderId, order.id);

    // The order's spans, as every process exported them, are stored (operations.spans) before the scan.
    await traceOfOrder(order.id, { services: orderPath, last: deliveredSpan });
    assert.deepEqual(await topicsShowing(token), [], 'topics showing the card token');
    assert.deepEqual(await tablesShowing(token), [], 'tables showing the card token');
    assert.deepEqual(logsShowing(token), [], 'log files showing the card token');
    // The same reads do find what is there: the order's id, where the order went.
    const withOrder = await topicsShowing(order.id);
    for (const topic of [topics.orderOutbox, topics.deadLetter, topics.payments])
      assert.ok(withOrder.includes(topic), `${topic} read: ${withOrder}`);
    const tablesWithOrder = await tablesShowing(order.id);
    for (const table of ['orders.orders', 'payments.charges', 'notifications.emails', 'operations.spans'])
      assert.ok(tablesWithOrder.includes(table), `${table} read: ${tablesWithOrder}`);
    // Payments keeps the (encrypted) token only as long as a charge may need it.
    await eventually(
      'payments to forget the token of the paid order',
      async () => {
        const kept = await query(
          `select 1 from payments.payment_methods m
             join payments.payment_orders o on o.payment_reference = m.reference where o.order_id = $1`,
          [order.id],
        );
        return kept.length === 0 ? true : undefined;
      },
      45_000,
    );
  });
});

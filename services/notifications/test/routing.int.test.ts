import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { type CustomerChangedEvent, type OrderEvent, routedOrderEventSchema } from '@microshop/contracts';
import { AppError, asMessageHandler, createLogger } from '@microshop/platform';
import { withDecodingSlot } from '@microshop/platform/testing';
import { type NotificationsHandlerOptions, notificationsHandler } from '../src/handlers/messages.ts';
import { consumed, customerEvent, customersTopic, orderEvent, ordersTopic } from './fixtures.ts';
import { handlerContext, migratedSchema } from './harness.ts';

const db = await migratedSchema('notifications_routing');
const graceMs = 5_000;

function handlerWith(overrides: Partial<NotificationsHandlerOptions> = {}) {
  const options = {
    pool: db.pool,
    consumer: 'notifications',
    topics: { orderEvents: ordersTopic, customers: customersTopic },
    routing: { graceMs, topicPrefix: 'microshop.orders-' },
    ...overrides,
  };
  return asMessageHandler(notificationsHandler(options), options);
}
const handle = handlerWith();

async function deliver(...events: (OrderEvent | CustomerChangedEvent)[]): Promise<void> {
  for (const event of events) {
    await handle(consumed(event, 'order' in event ? ordersTopic : customersTopic), handlerContext());
  }
}

function routedOf(
  inserts: { topic: string; key: string; payload: Record<string, unknown> }[],
  orderId: string,
) {
  return inserts
    .filter((insert) => insert.key === orderId)
    .map((insert) => ({ topic: insert.topic, event: routedOrderEventSchema.parse(insert.payload) }));
}

describe('dynamic routing', () => {
  test("an order event is routed to its customer's level topic, keyed by order id, with the level", async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const customer = customerEvent('gold');
      const created = orderEvent('CREATED', { customerId: customer.customerId });
      await deliver(customer, created);

      const routed = routedOf(await readInserts(), created.orderId);

      assert.equal(routed.length, 1);
      assert.equal(routed[0]?.topic, 'microshop.orders-gold');
      assert.equal(routed[0]?.event.level, 'gold');
      assert.equal(routed[0]?.event.causationId, created.id);
      assert.equal(routed[0]?.event.status, 'CREATED');
      assert.deepEqual(routed[0]?.event.order, created.order);
    });
  });

  test("a level change applies to the customer's later orders, and a redelivered event is routed once", async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const registered = customerEvent('silver');
      const customerId = registered.customerId;
      const first = orderEvent('CREATED', { customerId });
      await deliver(registered, first);
      const upgraded = customerEvent('platinum', {
        customerId,
        type: 'CustomerUpdated',
        updatedAt: new Date(Date.parse(registered.customer.updatedAt) + 1),
      });
      const second = orderEvent('CREATED', { customerId });
      await deliver(upgraded, second, second);

      const inserts = await readInserts();
      assert.deepEqual(
        routedOf(inserts, first.orderId).map((routed) => routed.topic),
        ['microshop.orders-silver'],
      );
      assert.deepEqual(
        routedOf(inserts, second.orderId).map((routed) => routed.topic),
        ['microshop.orders-platinum'],
      );
    });
  });

  test('an older customer event arriving after a newer one does not bring the old level back', async () => {
    const registered = customerEvent('bronze', { updatedAt: new Date('2025-03-01T10:00:00.000Z') });
    const upgraded = customerEvent('gold', {
      customerId: registered.customerId,
      type: 'CustomerUpdated',
      updatedAt: new Date('2025-03-01T10:05:00.000Z'),
    });

    await deliver(upgraded, registered);

    const row = await db.pool.query('SELECT level FROM customers WHERE id = $1', [registered.customerId]);
    assert.equal(row.rows[0]?.level, 'gold');
  });

  test('an order of a customer not known yet is parked within the grace period: handled, nothing routed', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const created = orderEvent('CREATED', { customerId: randomUUID() });

      await deliver(created);

      assert.deepEqual(routedOf(await readInserts(), created.orderId), []);
      const inbox = await db.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [created.id]);
      assert.equal(inbox.rowCount, 1, 'handled: the consumer goes on to the next message');
      const parked = await db.pool.query(
        'SELECT routed, awaiting, deadline_at FROM parked_events WHERE event_id = $1',
        [created.id],
      );
      assert.deepEqual(parked.rows, [
        {
          routed: false,
          awaiting: 'customer',
          deadline_at: new Date(Date.parse(created.occurredAt) + graceMs),
        },
      ]);
    });
  });

  test('once the customer arrives, the parked order is routed with its level, in the transaction that copies the customer', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const customer = customerEvent('platinum');
      const created = orderEvent('CREATED', { customerId: customer.customerId });
      await deliver(created);

      await deliver(customer);

      assert.deepEqual(
        routedOf(await readInserts(), created.orderId).map((routed) => routed.event.level),
        ['platinum'],
      );
      const parked = await db.pool.query('SELECT 1 FROM parked_events WHERE event_id = $1', [created.id]);
      assert.equal(parked.rowCount, 0);
    });
  });

  test('an order whose customer is still unknown after the grace period is routed as bronze, with a warning', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const placed = new Date('2025-03-01T10:00:00.000Z');
      const created = orderEvent('CREATED', { customerId: randomUUID(), at: placed });
      const late = handlerWith({ now: () => new Date(placed.getTime() + graceMs) });
      const lines: string[] = [];
      const capture = createLogger({
        service: 'notifications-test',
        level: 'warn',
        destination: { write: (line: string) => void lines.push(line) },
      });

      await late(consumed(created, ordersTopic), handlerContext(capture));

      assert.deepEqual(
        routedOf(await readInserts(), created.orderId).map((routed) => [routed.topic, routed.event.level]),
        [['microshop.orders-bronze', 'bronze']],
      );
      assert.ok(
        lines.some((line) => line.includes('fallback level') && line.includes(created.orderId)),
        lines.join(''),
      );
    });
  });

  test('other types and tombstones are skipped; a broken known type is a non-retriable error', async () => {
    const context = handlerContext();
    await handle(
      { ...consumed(orderEvent('CREATED'), ordersTopic), value: { type: 'PaymentSucceeded' } },
      context,
    );
    await handle({ ...consumed(customerEvent('gold'), customersTopic), value: null }, context);

    for (const [topic, value] of [
      [ordersTopic, { type: 'OrderCreated', orderId: 'nope' }],
      [customersTopic, { type: 'CustomerUpdated', customer: {} }],
    ] as const) {
      await assert.rejects(
        () => handle({ ...consumed(orderEvent('CREATED'), topic), value }, context),
        (error) => error instanceof AppError && error.code === 'VALIDATION_FAILED' && !error.retriable,
      );
    }
  });
});

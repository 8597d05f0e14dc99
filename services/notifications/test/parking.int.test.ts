import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { routedOrderEventSchema } from '@microshop/contracts';
import { startPeriodicTask } from '@microshop/platform';
import {
  consumedMessage,
  eventually,
  newTraceparent,
  recordSpans,
  traceIdOf,
  withDecodingSlot,
  withTraceHeader,
} from '@microshop/platform/testing';
import type { Progress } from '../src/handlers/forwarding.ts';
import { type ParkedEventsOptions, takeUpOverdue } from '../src/tasks/parked-events.ts';
import {
  customerRegistered,
  newOrder,
  paymentRefunded,
  paymentSucceeded,
  shipmentDispatched,
  statusEvent,
  uniqueAddress,
} from './email-fixtures.ts';
import { capturingLogger, context, emailTestBed, grace, logger, topicOf } from './email-harness.ts';

// Parked order events (parked_events): an order's events keep their order, each thing is done once
// whichever path does it, and no event is left waiting for a fact that has arrived.

const bed = await emailTestBed('notifications_parking');
const rules = {
  routing: { graceMs: grace.customerMs, topicPrefix: 'microshop.orders-' },
  emails: { grace },
};

/** The task's options, its clock at `now`. */
function loopAt(now: Date): ParkedEventsOptions {
  return { pool: bed.db.pool, logger, now: () => now, ...rules };
}

/** Hands `event` to the consumer's handler (the bed's, or `handle`), as the consumer would. */
function deliverOne(event: { id: string; type: string }, handle = bed.handler()) {
  return handle(consumedMessage(event, { topic: topicOf(event.type) }), context());
}

/** Delivers `event`; what its transaction routed and queued, once committed (none: nothing committed). */
async function progressOf(event: { id: string; type: string }): Promise<Progress | undefined> {
  const committed: Progress[] = [];
  await deliverOne(event, bed.handler({ onCommitted: (progress) => committed.push(progress) }));
  return committed[0];
}

async function parkedOf(orderId: string): Promise<{ awaiting: string; routed: boolean }[]> {
  const result = await bed.db.pool.query(
    'SELECT awaiting, routed FROM parked_events WHERE order_id = $1 ORDER BY seq',
    [orderId],
  );
  return result.rows;
}

async function emailStatuses(orderId: string): Promise<string[]> {
  const result = await bed.db.pool.query(
    'SELECT order_status FROM emails WHERE order_id = $1 ORDER BY created_at, order_status',
    [orderId],
  );
  return result.rows.map((row) => row.order_status);
}

function routedStatuses(inserts: { key: string; payload: Record<string, unknown> }[], orderId: string) {
  return inserts
    .filter((insert) => insert.key === orderId)
    .map((insert) => routedOrderEventSchema.parse(insert.payload).status);
}

describe('parked order events', () => {
  test('an order event behind a parked one of its order waits for it: routed and emailed in order', async () => {
    await withDecodingSlot(bed.db, async (readInserts) => {
      const order = newOrder();
      await bed.deliver(customerRegistered(order, uniqueAddress('queue')));
      const shipped = statusEvent(order, 'SHIPPED');
      const delivered = statusEvent(order, 'DELIVERED');

      await deliverOne(shipped);
      await deliverOne(delivered);

      assert.deepEqual(await parkedOf(order.orderId), [
        { awaiting: 'tracking', routed: true },
        { awaiting: 'earlier', routed: false },
      ]);
      assert.deepEqual(routedStatuses(await readInserts(), order.orderId), ['SHIPPED']);
      assert.deepEqual(await emailStatuses(order.orderId), []);

      const progress = await progressOf(shipmentDispatched(order, 'SBX-42'));

      assert.ok(progress, 'the shipment event was handled');
      assert.deepEqual(
        progress?.emails.map((email) => email.status),
        ['SHIPPED', 'DELIVERED'],
      );
      assert.deepEqual(routedStatuses(await readInserts(), order.orderId), ['SHIPPED', 'DELIVERED']);
      assert.deepEqual(await parkedOf(order.orderId), []);
    });
  });

  test('an event whose customer never comes is routed bronze by the loop once its wait is over, and the events behind it follow', async () => {
    await withDecodingSlot(bed.db, async (readInserts) => {
      const order = newOrder();
      const approved = statusEvent(order, 'APPROVED');
      const cancelled = statusEvent(order, 'CANCELLED');
      await deliverOne(approved);
      await deliverOne(cancelled);
      const { log, lines } = capturingLogger();
      const waitOver = new Date(Date.parse(approved.occurredAt) + grace.customerMs);

      await takeUpOverdue({ ...loopAt(new Date(waitOver.getTime() - 1)), logger: log });
      assert.equal((await parkedOf(order.orderId)).length, 2, 'not before its wait is over');
      await takeUpOverdue({ ...loopAt(new Date(waitOver.getTime() + grace.customerMs)), logger: log });

      const routed = (await readInserts()).filter((insert) => insert.key === order.orderId);
      assert.deepEqual(
        routed.map((insert) => [insert.topic, routedOrderEventSchema.parse(insert.payload).status]),
        [
          ['microshop.orders-bronze', 'APPROVED'],
          ['microshop.orders-bronze', 'CANCELLED'],
        ],
      );
      assert.deepEqual(await emailStatuses(order.orderId), [], 'no address, no email');
      assert.deepEqual(await parkedOf(order.orderId), []);
      assert.ok(
        lines.some((line) => line.includes('fallback level')),
        lines.join(''),
      );
    });
  });

  test('an event taken up by the loop is routed in the trace it was parked in', async () => {
    recordSpans();
    await withDecodingSlot(bed.db, async (readInserts) => {
      const order = newOrder();
      const approved = statusEvent(order, 'APPROVED');
      const orderTrace = newTraceparent();
      const message = consumedMessage(approved, { topic: topicOf(approved.type) });
      await bed.handler()(withTraceHeader(message, orderTrace), context());
      assert.equal((await parkedOf(order.orderId)).length, 1);

      await takeUpOverdue(loopAt(new Date(Date.parse(approved.occurredAt) + 2 * grace.customerMs)));

      const routed = (await readInserts()).filter((insert) => insert.key === order.orderId);
      assert.deepEqual(
        routed.map((insert) => traceIdOf(insert.traceparent)),
        [traceIdOf(orderTrace)],
      );
    });
  });

  test('a paid CANCELLED email waiting for its refund goes without it once the wait is over', async () => {
    const order = newOrder();
    const to = uniqueAddress('no-refund');
    await bed.deliver(customerRegistered(order, to), paymentSucceeded(order, 5999));
    const cancelled = statusEvent(order, 'CANCELLED');
    await deliverOne(cancelled);
    assert.deepEqual(await parkedOf(order.orderId), [{ awaiting: 'refund', routed: true }]);

    await takeUpOverdue(loopAt(new Date(Date.parse(cancelled.occurredAt) + grace.refundMs)));

    const email = await bed.db.pool.query('SELECT recipient, body FROM emails WHERE order_id = $1', [
      order.orderId,
    ]);
    assert.equal(email.rows[0]?.recipient, to);
    assert.match(email.rows[0]?.body ?? '', /Any payment captured for it will be refunded/);
    assert.deepEqual(await parkedOf(order.orderId), []);
  });

  test('a redelivered parked event and a second event of the same status are parked once and emailed once', async () => {
    const order = newOrder();
    const to = uniqueAddress('twice');
    await bed.deliver(customerRegistered(order, to), paymentSucceeded(order, 5999));
    const cancelled = statusEvent(order, 'CANCELLED');

    await bed.deliver(cancelled);
    await bed.deliver(cancelled); // redelivered: the inbox skips it
    await bed.deliver({ ...cancelled, id: crypto.randomUUID() }); // the same status announced again
    assert.deepEqual(await parkedOf(order.orderId), [
      { awaiting: 'refund', routed: true },
      { awaiting: 'earlier', routed: false },
    ]);
    await bed.deliver(paymentRefunded(order, 5999));
    await bed.sendNow();

    assert.equal(bed.received(to).length, 1);
    assert.deepEqual(await parkedOf(order.orderId), []);
  });

  test('two loops running together (and passes in small batches) do each overdue event once', async () => {
    await withDecodingSlot(bed.db, async (readInserts) => {
      const orders = Array.from({ length: 12 }, () => newOrder());
      const old = new Date(Date.now() - 60_000);
      const events = orders.map((order) => statusEvent(order, 'CREATED', { at: old }));
      // Parked as if consumed when they happened: overdue now.
      const atTheTime = bed.handler({ now: () => old });
      for (const event of events) await deliverOne(event, atTheTime);
      const options: ParkedEventsOptions = { pool: bed.db.pool, logger, ...rules };

      // Two instances' tasks, as the kit runs them.
      const loops = [1, 2].map((instance) =>
        startPeriodicTask({
          name: `parked-events loop ${instance}`,
          intervalMs: 10,
          logger,
          run: () => takeUpOverdue(options),
        }),
      );
      try {
        await Promise.all(Array.from({ length: 4 }, () => takeUpOverdue({ ...options, batchSize: 3 })));
        await eventually('every parked event taken up', async () => {
          const left = await bed.db.pool.query(
            'SELECT 1 FROM parked_events WHERE order_id = ANY($1::uuid[])',
            [orders.map((order) => order.orderId)],
          );
          return left.rowCount === 0;
        });
      } finally {
        await Promise.all(loops.map((loop) => loop.stop()));
      }

      const inserts = await readInserts();
      for (const order of orders) assert.deepEqual(routedStatuses(inserts, order.orderId), ['CREATED']);
    });
  });

  test('a customer copied while its orders are parking themselves never leaves them waiting', async () => {
    const orders = Array.from({ length: 30 }, () => newOrder());

    await Promise.all(
      orders.flatMap((order) => {
        const customer = customerRegistered(order, uniqueAddress('race'));
        const approved = statusEvent(order, 'APPROVED');
        return [deliverOne(approved), deliverOne(customer)];
      }),
    );

    const left = await bed.db.pool.query(
      'SELECT order_id FROM parked_events WHERE order_id = ANY($1::uuid[])',
      [orders.map((order) => order.orderId)],
    );
    assert.deepEqual(left.rows, []);
    for (const order of orders) assert.deepEqual(await emailStatuses(order.orderId), ['APPROVED']);
  });
});

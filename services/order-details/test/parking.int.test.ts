import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { type OrderCreatedEvent, topics } from '@microshop/contracts';
import { startPeriodicTask } from '@microshop/platform';
import {
  eventually,
  newTraceparent,
  recordSpans,
  traceIdOf,
  withDecodingSlot,
  withTraceHeader,
} from '@microshop/platform/testing';
import type { CheckOrdersOptions } from '../src/handlers/order-created.ts';
import { checkOverdueOrders } from '../src/tasks/deadline-loop.ts';
import {
  consumed,
  customerChanged,
  orderCreated,
  productChanged,
  secondsAgo,
  uniqueSku,
} from './fixtures.ts';
import { checkOrdersOn, copyReferencesOn, handlerContext, logger, migratedSchema } from './harness.ts';

// Parked orders (pending_checks): exactly one verdict whichever path gives it, and never left waiting
// for a copy that has arrived.

const db = await migratedSchema('order_details_parking');
const validationsTopic = topics.orderValidations;
const copy = copyReferencesOn(db.pool, validationsTopic);

function orderHandler(overrides: Partial<CheckOrdersOptions> = {}) {
  return checkOrdersOn(db.pool, { graceMs: 5_000, validationsTopic, ...overrides });
}

/** The deadline loop as the kit runs it: a pass every `intervalMs`, one at a time. */
function startDeadlineLoop(options: Parameters<typeof checkOverdueOrders>[0] & { intervalMs: number }) {
  return startPeriodicTask({
    name: 'deadline loop',
    intervalMs: options.intervalMs,
    logger: options.logger,
    run: () => checkOverdueOrders(options),
  });
}

/** Parks `order` as if it had arrived at its creation: so an order created long ago is parked overdue. */
function parkAtCreation(order: OrderCreatedEvent, eventId = order.id) {
  const at = new Date(order.order.createdAt);
  return orderHandler({ now: () => at })(consumed({ ...order, id: eventId }), handlerContext());
}

const copyCustomer = (customerId: string) =>
  copy(consumed(customerChanged(customerId), topics.customers), handlerContext());
const copyProduct = (sku: string, unitPrice = 1000) =>
  copy(consumed(productChanged(sku, { unitPrice }), topics.products), handlerContext());

async function verdictOf(orderId: string): Promise<{ result: string; reason: string | null } | undefined> {
  const result = await db.pool.query('SELECT result, reason FROM order_checks WHERE order_id = $1', [
    orderId,
  ]);
  return result.rows[0];
}

async function parkedOf(
  orderId: string,
): Promise<{ missing_customer: boolean; missing_skus: string[] } | undefined> {
  const result = await db.pool.query(
    'SELECT missing_customer, missing_skus FROM pending_checks WHERE order_id = $1',
    [orderId],
  );
  return result.rows[0];
}

/** The verdicts written to the outbox for `orderIds`, per order id. */
function sentPerOrder(
  inserts: readonly { payload: Record<string, unknown> }[],
  orderIds: readonly string[],
): Map<string, unknown[]> {
  const sent = new Map<string, unknown[]>(orderIds.map((id) => [id, []]));
  for (const insert of inserts) sent.get(String(insert.payload.orderId))?.push(insert.payload.result);
  return sent;
}

describe('parked orders', () => {
  test('an order waiting for its customer and a sku gets its verdict when the second of them arrives', async () => {
    const customerId = randomUUID();
    const sku = uniqueSku();
    const order = orderCreated({ customerId, items: [{ sku, quantity: 2, unitPrice: 1000 }] });

    await orderHandler()(consumed(order), handlerContext());
    assert.deepEqual(await parkedOf(order.orderId), { missing_customer: true, missing_skus: [sku] });

    await copyProduct(sku);
    assert.deepEqual(await parkedOf(order.orderId), { missing_customer: true, missing_skus: [] });
    assert.equal(await verdictOf(order.orderId), undefined);

    await copyCustomer(customerId);
    assert.equal(await parkedOf(order.orderId), undefined);
    assert.deepEqual(await verdictOf(order.orderId), { result: 'PASS', reason: null });
  });

  test('a parked order is judged on everything once its references arrive: a wrong price still fails', async () => {
    const customerId = randomUUID();
    const sku = uniqueSku();
    const order = orderCreated({ customerId, items: [{ sku, quantity: 1, unitPrice: 900 }] });
    await copyProduct(sku, 1000);

    await orderHandler()(consumed(order), handlerContext());
    await copyCustomer(customerId);

    assert.deepEqual(await verdictOf(order.orderId), {
      result: 'FAIL',
      reason: `price mismatch for ${sku}: ordered 9.00 EUR, catalog 10.00 EUR`,
    });
  });

  test('a parked order delivered again, or announced under another event id, is parked once and gets one verdict', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const sku = uniqueSku();
      await copyProduct(sku);
      const order = orderCreated({ items: [{ sku, quantity: 1, unitPrice: 1000 }] });
      const message = consumed(order);

      await orderHandler()(message, handlerContext());
      await orderHandler()(message, handlerContext());
      await orderHandler()(consumed({ ...order, id: randomUUID() }), handlerContext());
      const parked = await db.pool.query('SELECT event_id FROM pending_checks WHERE order_id = $1', [
        order.orderId,
      ]);
      assert.deepEqual(parked.rows, [{ event_id: order.id }], 'parked once, by the first announcement');

      await copyCustomer(order.customerId);
      await copyCustomer(order.customerId); // a newer copy of the same customer: nothing left to give
      await orderHandler()(consumed({ ...order, id: randomUUID() }), handlerContext());
      await checkOverdueOrders({
        pool: db.pool,
        logger,
        validationsTopic,
        now: () => new Date(Date.now() + 60_000),
      });

      const sent = sentPerOrder(await readInserts(), [order.orderId]);
      assert.deepEqual(sent.get(order.orderId), ['PASS']);
      assert.equal(await parkedOf(order.orderId), undefined);
    });
  });

  test('an order already judged is not parked again when it is announced once more, even within its grace period', async () => {
    const order = orderCreated({ at: secondsAgo(60) });
    await orderHandler()(consumed(order), handlerContext()); // past the grace period: FAIL at once
    assert.equal((await verdictOf(order.orderId))?.result, 'FAIL');

    await parkAtCreation(order, randomUUID());

    assert.equal(await parkedOf(order.orderId), undefined);
  });

  test('two deadline loops running together (and passes in small batches) give each overdue order one verdict', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const orders = Array.from({ length: 20 }, () => orderCreated({ at: secondsAgo(30) }));
      for (const order of orders) await parkAtCreation(order);
      const ids = orders.map((order) => order.orderId);
      const options = { pool: db.pool, logger, validationsTopic };

      const loops = [
        startDeadlineLoop({ ...options, intervalMs: 10 }),
        startDeadlineLoop({ ...options, intervalMs: 10 }),
      ];
      try {
        await Promise.all(Array.from({ length: 4 }, () => checkOverdueOrders({ ...options, batchSize: 3 })));
        await eventually('every overdue order to get its verdict', async () => {
          const done = await db.pool.query('SELECT 1 FROM order_checks WHERE order_id = ANY($1::uuid[])', [
            ids,
          ]);
          return done.rowCount === ids.length;
        });
      } finally {
        await Promise.all(loops.map((loop) => loop.stop()));
      }

      const sent = sentPerOrder(await readInserts(), ids);
      assert.deepEqual(
        [...sent.values()],
        ids.map(() => ['FAIL']),
      );
      const left = await db.pool.query('SELECT 1 FROM pending_checks WHERE order_id = ANY($1::uuid[])', [
        ids,
      ]);
      assert.equal(left.rowCount, 0);
    });
  });

  test('a customer copied while its order is parking itself never leaves the order waiting', async () => {
    const sku = uniqueSku();
    await copyProduct(sku);
    const orders = Array.from({ length: 40 }, () =>
      orderCreated({ items: [{ sku, quantity: 1, unitPrice: 1000 }] }),
    );

    // The order and its customer's copy, each pair at the same moment.
    await Promise.all(
      orders.flatMap((order) => [
        orderHandler()(consumed(order), handlerContext()),
        copyCustomer(order.customerId),
      ]),
    );

    const verdicts = await Promise.all(orders.map((order) => verdictOf(order.orderId)));
    assert.deepEqual(
      verdicts,
      orders.map(() => ({ result: 'PASS', reason: null })),
    );
    const ids = orders.map((order) => order.orderId);
    const left = await db.pool.query('SELECT 1 FROM pending_checks WHERE order_id = ANY($1::uuid[])', [ids]);
    assert.equal(left.rowCount, 0);
  });

  test('the copy and the deadline loop reaching an overdue order together give it one verdict', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const orders = Array.from({ length: 10 }, () => orderCreated({ at: secondsAgo(30) }));
      for (const order of orders) await parkAtCreation(order);
      const options = { pool: db.pool, logger, validationsTopic };

      await Promise.all([
        ...orders.map((order) => copyCustomer(order.customerId)),
        checkOverdueOrders({ ...options, batchSize: 2 }),
        checkOverdueOrders({ ...options, batchSize: 2 }),
      ]);

      const ids = orders.map((order) => order.orderId);
      const sent = sentPerOrder(await readInserts(), ids);
      for (const [orderId, results] of sent) assert.equal(results.length, 1, `one verdict for ${orderId}`);
    });
  });
});

describe('the trace of a parked order', () => {
  const spans = recordSpans();

  /** Parks `order` at its creation, announced in a trace of its own; the span that parked it. */
  async function parkInTrace(order: OrderCreatedEvent) {
    const orderTrace = newTraceparent();
    const at = new Date(order.order.createdAt);
    await orderHandler({ now: () => at })(withTraceHeader(consumed(order), orderTrace), handlerContext());
    assert.ok(await parkedOf(order.orderId), 'parked');
    const parking = spans
      .ended()
      .find(
        (span) => span.name === 'handle OrderCreated' && span.spanContext().traceId === traceIdOf(orderTrace),
      );
    assert.ok(parking, 'the order was handled in its own trace');
    return parking.spanContext();
  }

  /** The trace ids of the OrderValidation rows written for `orderId`. */
  async function verdictTraces(orderId: string): Promise<string[]> {
    const result = await db.pool.query<{ traceparent: string }>(
      `SELECT traceparent FROM outbox WHERE type = 'OrderValidation' AND payload->>'orderId' = $1`,
      [orderId],
    );
    return result.rows.map((row) => traceIdOf(row.traceparent));
  }

  test('the copy it waited for, arriving in another trace, sends its verdict on in the order’s trace, linked to the copy’s', async () => {
    const customerId = randomUUID();
    const sku = uniqueSku();
    await copyProduct(sku);
    const order = orderCreated({ customerId, items: [{ sku, quantity: 1, unitPrice: 1000 }] });
    const parking = await parkInTrace(order);

    const copyTrace = newTraceparent();
    await copy(
      withTraceHeader(consumed(customerChanged(customerId), topics.customers), copyTrace),
      handlerContext(),
    );

    assert.deepEqual(await verdictTraces(order.orderId), [parking.traceId]);
    const recheck = spans
      .ended()
      .find((span) => span.name === 'recheck parked order' && span.spanContext().traceId === parking.traceId);
    assert.ok(recheck, 'a recheck span in the order’s trace');
    assert.equal(recheck.parentSpanContext?.spanId, parking.spanId, 'a child of the span that parked it');
    assert.deepEqual(
      recheck.links.map((link) => link.context.traceId),
      [traceIdOf(copyTrace)],
      'linked to the copy’s handling',
    );
  });

  test('the deadline loop, outside any trace, sends its verdict on in the order’s trace', async () => {
    const sku = uniqueSku();
    await copyProduct(sku);
    const order = orderCreated({ at: secondsAgo(60), items: [{ sku, quantity: 1, unitPrice: 1000 }] });
    const parking = await parkInTrace(order);

    await checkOverdueOrders({ pool: db.pool, logger, validationsTopic });

    assert.deepEqual(await verdictOf(order.orderId), {
      result: 'FAIL',
      reason: `unknown customer ${order.customerId}`,
    });
    assert.deepEqual(await verdictTraces(order.orderId), [parking.traceId]);
  });
});

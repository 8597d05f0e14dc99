import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { type OrderItem, orderValidationEventSchema, topics } from '@microshop/contracts';
import { isAppError } from '@microshop/platform';
import { withDecodingSlot } from '@microshop/platform/testing';
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

const db = await migratedSchema('order_details_handler');
const copy = copyReferencesOn(db.pool, topics.orderValidations);

function orderHandler(overrides: Partial<CheckOrdersOptions> = {}) {
  return checkOrdersOn(db.pool, { graceMs: 5_000, validationsTopic: topics.orderValidations, ...overrides });
}

/** A customer and a sku (25.00 EUR) in the copies, and a line of that sku. */
async function knownCustomerAndSku(): Promise<{ customerId: string; sku: string; line: OrderItem }> {
  const customerId = randomUUID();
  const sku = uniqueSku();
  await copy(consumed(customerChanged(customerId), topics.customers), handlerContext());
  await copy(consumed(productChanged(sku, { unitPrice: 2500 }), topics.products), handlerContext());
  return { customerId, sku, line: { sku, quantity: 2, unitPrice: 2500 } };
}

async function verdictOf(orderId: string): Promise<{ result: string; reason: string | null } | undefined> {
  const result = await db.pool.query('SELECT result, reason FROM order_checks WHERE order_id = $1', [
    orderId,
  ]);
  return result.rows[0];
}

async function parkedOf(
  orderId: string,
): Promise<{ missing_customer: boolean; missing_skus: string[]; deadline_at: Date } | undefined> {
  const result = await db.pool.query(
    'SELECT missing_customer, missing_skus, deadline_at FROM pending_checks WHERE order_id = $1',
    [orderId],
  );
  return result.rows[0];
}

function deadlineLoop(now: Date) {
  return { pool: db.pool, logger, validationsTopic: topics.orderValidations, now: () => now };
}

async function customerUpdatedAt(customerId: string): Promise<Date | undefined> {
  const result = await db.pool.query('SELECT updated_at FROM customers WHERE customer_id = $1', [customerId]);
  return result.rows[0]?.updated_at;
}

describe('the order-details handler', () => {
  test('an order of a known customer at catalog prices passes, and the verdict is written to the outbox', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const { customerId, line } = await knownCustomerAndSku();
      const order = orderCreated({ customerId, items: [line] });

      await orderHandler()(consumed(order), handlerContext());

      const inserts = await readInserts();
      assert.equal(inserts.length, 1);
      const validation = orderValidationEventSchema.parse(inserts[0]?.payload);
      assert.deepEqual(
        { ...validation, id: '', occurredAt: '' },
        {
          id: '',
          type: 'OrderValidation',
          occurredAt: '',
          source: 'order-details',
          orderId: order.orderId,
          check: 'ORDER_DETAILS',
          result: 'PASS',
          reason: null,
        },
      );
      assert.ok(inserts[0]?.line.includes("aggregatetype[text]:'microshop.order-validations'"));
      assert.ok(inserts[0]?.line.includes(`aggregateid[text]:'${order.orderId}'`), 'keyed by order id');
    });
  });

  test('a wrong price, an unknown sku, an unknown customer and a wrong total each fail, naming the rule', async () => {
    const { customerId, sku, line } = await knownCustomerAndSku();
    const old = secondsAgo(60); // past the grace period: unknown means unknown
    const orders = {
      price: orderCreated({ customerId, at: old, items: [{ ...line, unitPrice: 2000 }] }),
      sku: orderCreated({ customerId, at: old, items: [{ ...line, sku: 'NO-SUCH-SKU' }] }),
      customer: orderCreated({ at: old, items: [line] }),
      total: orderCreated({ customerId, at: old, items: [line], total: 4000 }),
    };

    for (const order of Object.values(orders)) await orderHandler()(consumed(order), handlerContext());

    assert.deepEqual(
      {
        price: await verdictOf(orders.price.orderId),
        sku: await verdictOf(orders.sku.orderId),
        customer: await verdictOf(orders.customer.orderId),
        total: await verdictOf(orders.total.orderId),
      },
      {
        price: { result: 'FAIL', reason: `price mismatch for ${sku}: ordered 20.00 EUR, catalog 25.00 EUR` },
        sku: { result: 'FAIL', reason: 'unknown sku NO-SUCH-SKU' },
        customer: { result: 'FAIL', reason: `unknown customer ${orders.customer.customerId}` },
        total: { result: 'FAIL', reason: 'total mismatch: order total 40.00 EUR, lines add up to 50.00 EUR' },
      },
    );
  });

  test('an unknown customer within the grace period parks the order (handled, no verdict); once the customer is copied, that copy passes it', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const { line } = await knownCustomerAndSku();
      const customerId = randomUUID();
      const order = orderCreated({ customerId, items: [line] });

      await orderHandler()(consumed(order), handlerContext());

      const inbox = await db.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [order.id]);
      assert.equal(inbox.rowCount, 1, 'handled: the consumer goes on to the next message');
      assert.equal(await verdictOf(order.orderId), undefined);
      assert.deepEqual(await parkedOf(order.orderId), {
        missing_customer: true,
        missing_skus: [],
        deadline_at: new Date(Date.parse(order.order.createdAt) + 5_000),
      });

      await copy(consumed(customerChanged(customerId), topics.customers), handlerContext());

      assert.deepEqual(await verdictOf(order.orderId), { result: 'PASS', reason: null });
      assert.equal(await parkedOf(order.orderId), undefined);
      const sent = (await readInserts()).filter((insert) => insert.payload.orderId === order.orderId);
      assert.deepEqual(
        sent.map((insert) => [insert.topic, insert.key, insert.payload.result]),
        [['microshop.order-validations', order.orderId, 'PASS']],
      );
    });
  });

  test('a parked order whose customer or sku is still unknown at its deadline fails from the deadline loop', async () => {
    const { customerId, line } = await knownCustomerAndSku();
    const orders = {
      customer: orderCreated({ items: [line] }),
      sku: orderCreated({ customerId, items: [line, { sku: 'NO-SUCH-SKU', quantity: 1, unitPrice: 100 }] }),
    };
    for (const order of Object.values(orders)) await orderHandler()(consumed(order), handlerContext());
    const deadline = new Date(Date.parse(orders.sku.order.createdAt) + 5_000);

    const early = await checkOverdueOrders(deadlineLoop(new Date(deadline.getTime() - 1)));
    assert.deepEqual(
      early.filter((v) => v.orderId === orders.sku.orderId),
      [],
      'not before its deadline',
    );
    await checkOverdueOrders(deadlineLoop(deadline));

    assert.deepEqual(
      { customer: await verdictOf(orders.customer.orderId), sku: await verdictOf(orders.sku.orderId) },
      {
        customer: { result: 'FAIL', reason: `unknown customer ${orders.customer.customerId}` },
        sku: { result: 'FAIL', reason: 'unknown sku NO-SUCH-SKU' },
      },
    );
    assert.equal(await parkedOf(orders.customer.orderId), undefined);
    assert.equal(await parkedOf(orders.sku.orderId), undefined);
  });

  test('the copies ignore an event older than (or as old as) what they hold, and take a newer one', async () => {
    const { customerId, sku, line } = await knownCustomerAndSku();
    const stored = await db.pool.query('SELECT updated_at FROM products WHERE sku = $1', [sku]);
    const storedAt: Date = stored.rows[0].updated_at;
    const older = productChanged(sku, { unitPrice: 9999, updatedAt: new Date(storedAt.getTime() - 1_000) });
    const same = productChanged(sku, { unitPrice: 8888, updatedAt: storedAt });
    for (const event of [older, same]) await copy(consumed(event, topics.products), handlerContext());
    const customerBefore = await customerUpdatedAt(customerId);
    await copy(consumed(customerChanged(customerId, new Date(0)), topics.customers), handlerContext());
    assert.deepEqual(await customerUpdatedAt(customerId), customerBefore);

    const passes = orderCreated({ customerId, items: [line] });
    await orderHandler()(consumed(passes), handlerContext());
    assert.deepEqual(await verdictOf(passes.orderId), { result: 'PASS', reason: null });

    const newer = productChanged(sku, { unitPrice: 3000, updatedAt: new Date(storedAt.getTime() + 1_000) });
    await copy(consumed(newer, topics.products), handlerContext());
    const fails = orderCreated({ customerId, items: [line] });
    await orderHandler()(consumed(fails), handlerContext());
    assert.equal(
      (await verdictOf(fails.orderId))?.reason,
      `price mismatch for ${sku}: ordered 25.00 EUR, catalog 30.00 EUR`,
    );
  });

  test('a redelivered order, or the same order under another event id, gets one verdict', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const { customerId, line } = await knownCustomerAndSku();
      const order = orderCreated({ customerId, items: [line] });
      const message = consumed(order);

      await orderHandler()(message, handlerContext());
      await orderHandler()(message, handlerContext());
      await orderHandler()(consumed({ ...order, id: randomUUID() }), handlerContext());

      const mine = (await readInserts()).filter((insert) => insert.payload.orderId === order.orderId);
      assert.equal(mine.length, 1);
    });
  });

  test('other order events and unknown types are skipped; a broken known type is refused as non-retriable', async () => {
    const created = orderCreated();
    const validated = { ...created, id: randomUUID(), type: 'OrderValidated', status: 'VALIDATED' };
    await orderHandler()(consumed(validated), handlerContext());
    await copy(consumed({ id: randomUUID(), type: 'CustomerDeleted' }, topics.customers), handlerContext());
    assert.equal(
      (await db.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [validated.id])).rowCount,
      0,
    );

    const brokenProduct = { ...productChanged(uniqueSku()), product: { sku: 'X' } };
    const brokenOrder = { ...created, order: { ...created.order, items: [] } };
    for (const [handle, broken] of [
      [copy, brokenProduct],
      [orderHandler(), brokenOrder],
    ] as const) {
      await assert.rejects(handle(consumed(broken), handlerContext()), (error) => {
        assert.ok(isAppError(error));
        assert.equal(error.retriable, false);
        return true;
      });
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { orderValidationEventSchema, productChangedEventSchema } from '@microshop/contracts';
import { withDecodingSlot } from '@microshop/platform/testing';
import { consumed, orderCreated, orderMoved, uniqueSku } from './fixtures.ts';
import {
  addProduct,
  deliverer,
  handlerContext,
  levels,
  migratedSchema,
  orderEventHandler,
  reservationStates,
  verdict,
} from './harness.ts';

// The INVENTORY check on OrderCreated, through the Kafka handler against the real PostgreSQL.

const db = await migratedSchema('inventory_validation');
const deliver = deliverer(db);

describe('reserving stock for new orders', () => {
  test('with 10 in stock, ten single-item orders PASS and the eleventh FAILs naming the sku', async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    const orders = Array.from({ length: 11 }, () => orderCreated([{ sku, quantity: 1 }]));

    await deliver(...orders);

    const verdicts = await Promise.all(orders.map((order) => verdict(db, order.orderId)));
    assert.deepEqual(
      verdicts.slice(0, 10).map((v) => v?.result),
      Array(10).fill('PASS'),
    );
    assert.deepEqual(verdicts[10], {
      result: 'FAIL',
      reason: `insufficient stock: ${sku} (requested 1, available 0)`,
    });
    assert.deepEqual(await levels(db, sku), { stock: 10, reserved: 10 });
    assert.deepEqual(await reservationStates(db, orders[10]?.orderId ?? ''), []);
  });

  test('with nothing in stock, an order FAILs and nothing is reserved', async () => {
    const sku = await addProduct(db, uniqueSku(), 0);
    const order = orderCreated([{ sku, quantity: 1 }]);

    await deliver(order);

    assert.equal((await verdict(db, order.orderId))?.result, 'FAIL');
    assert.deepEqual(await levels(db, sku), { stock: 0, reserved: 0 });
  });

  test('an order with one short line reserves nothing of its other lines', async () => {
    const plenty = await addProduct(db, uniqueSku('A'), 100);
    const scarce = await addProduct(db, uniqueSku('B'), 1);
    const order = orderCreated([
      { sku: plenty, quantity: 5 },
      { sku: scarce, quantity: 2 },
    ]);

    await deliver(order);

    assert.deepEqual(await verdict(db, order.orderId), {
      result: 'FAIL',
      reason: `insufficient stock: ${scarce} (requested 2, available 1)`,
    });
    assert.deepEqual(await levels(db, plenty), { stock: 100, reserved: 0 });
    assert.deepEqual(await levels(db, scarce), { stock: 1, reserved: 0 });
    assert.deepEqual(await reservationStates(db, order.orderId), []);
  });

  test('an order naming an unknown sku FAILs saying so and reserves nothing', async () => {
    const known = await addProduct(db, uniqueSku(), 5);
    const unknown = uniqueSku('NOPE');
    const order = orderCreated([
      { sku: known, quantity: 1 },
      { sku: unknown, quantity: 1 },
    ]);

    await deliver(order);

    assert.deepEqual(await verdict(db, order.orderId), { result: 'FAIL', reason: `unknown sku: ${unknown}` });
    assert.deepEqual(await levels(db, known), { stock: 5, reserved: 0 });
  });

  test('two lines of one sku are reserved together, each as its own reservation line', async () => {
    const sku = await addProduct(db, uniqueSku(), 4);
    const order = orderCreated([
      { sku, quantity: 2 },
      { sku, quantity: 2 },
    ]);

    await deliver(order);

    assert.equal((await verdict(db, order.orderId))?.result, 'PASS');
    assert.deepEqual(await levels(db, sku), { stock: 4, reserved: 4 });
    assert.deepEqual(await reservationStates(db, order.orderId), ['RESERVED', 'RESERVED']);
  });

  test('a redelivered OrderCreated reserves once, and a re-published copy under a new event id too', async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    const order = orderCreated([{ sku, quantity: 3 }]);
    const republished = { ...order, id: crypto.randomUUID() };

    await deliver(order, order, republished);

    assert.deepEqual(await levels(db, sku), { stock: 10, reserved: 3 });
    assert.deepEqual(await reservationStates(db, order.orderId), ['RESERVED']);
  });

  test('20 OrderCreated handled at once on a product with 5 in stock: exactly 5 PASS, no oversell', async () => {
    const sku = await addProduct(db, uniqueSku(), 5);
    const orders = Array.from({ length: 20 }, () => orderCreated([{ sku, quantity: 1 }]));
    const handle = orderEventHandler(db);

    await Promise.all(orders.map((order) => handle(consumed(order), handlerContext())));

    const results = await Promise.all(
      orders.map(async (order) => (await verdict(db, order.orderId))?.result),
    );
    assert.equal(results.filter((r) => r === 'PASS').length, 5);
    assert.equal(results.filter((r) => r === 'FAIL').length, 15);
    assert.deepEqual(await levels(db, sku), { stock: 5, reserved: 5 });
  });

  test('orders crossing two products in opposite line order, all at once, never deadlock', async () => {
    const a = await addProduct(db, uniqueSku('A'), 1000);
    const b = await addProduct(db, uniqueSku('B'), 1000);
    const orders = Array.from({ length: 20 }, (_, i) =>
      orderCreated(
        i % 2 === 0
          ? [
              { sku: a, quantity: 1 },
              { sku: b, quantity: 1 },
            ]
          : [
              { sku: b, quantity: 1 },
              { sku: a, quantity: 1 },
            ],
      ),
    );
    const handle = orderEventHandler(db);

    await Promise.all(orders.map((order) => handle(consumed(order), handlerContext())));

    assert.deepEqual(await levels(db, a), { stock: 1000, reserved: 20 });
    assert.deepEqual(await levels(db, b), { stock: 1000, reserved: 20 });
  });

  test('statuses inventory does not act on are skipped without an inbox row', async () => {
    const sku = await addProduct(db, uniqueSku(), 5);
    const created = orderCreated([{ sku, quantity: 1 }]);
    const validated = orderMoved(created, 'VALIDATED');

    await deliver(validated, { type: 'SomethingNew', id: crypto.randomUUID() }, null);

    const inbox = await db.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [validated.id]);
    assert.equal(inbox.rowCount, 0);
  });

  test('an OrderCreated that breaks its schema is a non-retriable error, for the dead-letter topic', async () => {
    const broken = { ...orderCreated([{ sku: uniqueSku(), quantity: 1 }]), orderId: 'not-a-uuid' };
    const handle = orderEventHandler(db);

    await assert.rejects(
      handle(consumed(broken), handlerContext()),
      (error: Error & { retriable?: boolean }) => {
        assert.equal(error.retriable, false);
        assert.match(error.message, /OrderCreated event does not match its schema/);
        return true;
      },
    );
  });

  test('the verdict and the changed product leave through the outbox, in the WAL Debezium reads', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const sku = await addProduct(db, uniqueSku(), 3);
      const passing = orderCreated([{ sku, quantity: 2 }]);
      const failing = orderCreated([{ sku, quantity: 2 }]);

      await deliver(passing, failing);

      const inserts = (await readInserts()).filter(
        (insert) => insert.topic !== 'microshop.products' || insert.key === sku,
      );
      const validations = inserts.filter((insert) => insert.topic === 'microshop.order-validations');
      assert.deepEqual(
        validations.map((insert) => {
          const event = orderValidationEventSchema.parse(insert.payload);
          return [insert.key, event.orderId, event.source, event.check, event.result, event.reason];
        }),
        [
          [passing.orderId, passing.orderId, 'inventory', 'INVENTORY', 'PASS', null],
          [
            failing.orderId,
            failing.orderId,
            'inventory',
            'INVENTORY',
            'FAIL',
            `insufficient stock: ${sku} (requested 2, available 1)`,
          ],
        ],
      );
      const products = inserts
        .filter((insert) => insert.topic === 'microshop.products')
        .map((insert) => productChangedEventSchema.parse(insert.payload).product);
      // Created with 3, then 2 reserved by the passing order; the failing one changed nothing.
      assert.deepEqual(
        products.map((p) => [p.sku, p.stock, p.reserved]),
        [
          [sku, 3, 0],
          [sku, 3, 2],
        ],
      );
    });
  });
});

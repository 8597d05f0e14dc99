import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { productChangedEventSchema } from '@microshop/contracts';
import { withDecodingSlot } from '@microshop/platform/testing';
import { orderCreated, orderMoved, uniqueSku } from './fixtures.ts';
import { addProduct, deliverer, levels, migratedSchema, reservationStates, verdict } from './harness.ts';

// What inventory does as orders settle: APPROVED commits, FAILED/CANCELLED release, and a
// cancellation after approval restocks. Through the Kafka handler against the real PostgreSQL.

const db = await migratedSchema('inventory_saga');
const deliver = deliverer(db);

describe('settling reservations', () => {
  test('after ten approvals of single-item orders on 10 in stock, stock and reserved are both 0', async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    const orders = Array.from({ length: 10 }, () => orderCreated([{ sku, quantity: 1 }]));
    await deliver(...orders);
    assert.deepEqual(await levels(db, sku), { stock: 10, reserved: 10 });

    await deliver(...orders.map((order) => orderMoved(order, 'APPROVED')));

    assert.deepEqual(await levels(db, sku), { stock: 0, reserved: 0 });
    assert.deepEqual(await reservationStates(db, orders[0]?.orderId ?? ''), ['COMMITTED']);
  });

  test('a failed order releases its reserved units', async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    const order = orderCreated([{ sku, quantity: 4 }]);
    await deliver(order);

    await deliver(orderMoved(order, 'FAILED'));

    assert.deepEqual(await levels(db, sku), { stock: 10, reserved: 0 });
    assert.deepEqual(await reservationStates(db, order.orderId), ['RELEASED']);
  });

  test('a cancelled order releases every line, lines of one sku included', async () => {
    const a = await addProduct(db, uniqueSku('A'), 10);
    const b = await addProduct(db, uniqueSku('B'), 10);
    const order = orderCreated([
      { sku: a, quantity: 1 },
      { sku: b, quantity: 2 },
      { sku: a, quantity: 3 },
    ]);
    await deliver(order);
    assert.deepEqual(await levels(db, a), { stock: 10, reserved: 4 });

    await deliver(orderMoved(order, 'CANCELLED'));

    assert.deepEqual(await levels(db, a), { stock: 10, reserved: 0 });
    assert.deepEqual(await levels(db, b), { stock: 10, reserved: 0 });
    assert.deepEqual(await reservationStates(db, order.orderId), ['RELEASED', 'RELEASED', 'RELEASED']);
  });

  test('a cancellation after approval puts the units back in stock', async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    const order = orderCreated([{ sku, quantity: 3 }]);
    await deliver(order, orderMoved(order, 'APPROVED'));
    assert.deepEqual(await levels(db, sku), { stock: 7, reserved: 0 });

    await deliver(orderMoved(order, 'CANCELLED'));

    assert.deepEqual(await levels(db, sku), { stock: 10, reserved: 0 });
    assert.deepEqual(await reservationStates(db, order.orderId), ['RESTOCKED']);
  });

  test('redelivered and repeated settlements change stock once', async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    const order = orderCreated([{ sku, quantity: 2 }]);
    const approved = orderMoved(order, 'APPROVED');
    const cancelled = orderMoved(order, 'CANCELLED');
    await deliver(order);

    // The same event twice (redelivery), then another copy of the same status under a new id.
    await deliver(approved, approved, orderMoved(order, 'APPROVED'));
    assert.deepEqual(await levels(db, sku), { stock: 8, reserved: 0 });
    await deliver(cancelled, cancelled, orderMoved(order, 'CANCELLED'));

    assert.deepEqual(await levels(db, sku), { stock: 10, reserved: 0 });
  });

  test('a late approval of a released reservation takes nothing from stock', async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    const order = orderCreated([{ sku, quantity: 2 }]);
    await deliver(order, orderMoved(order, 'FAILED'));

    await deliver(orderMoved(order, 'APPROVED'));

    assert.deepEqual(await levels(db, sku), { stock: 10, reserved: 0 });
    assert.deepEqual(await reservationStates(db, order.orderId), ['RELEASED']);
  });

  test('an order that failed the inventory check has nothing to release, and others keep theirs', async () => {
    const sku = await addProduct(db, uniqueSku(), 2);
    const holder = orderCreated([{ sku, quantity: 2 }]);
    const refused = orderCreated([{ sku, quantity: 1 }]);
    await deliver(holder, refused);
    assert.equal((await verdict(db, refused.orderId))?.result, 'FAIL');

    await deliver(orderMoved(refused, 'FAILED'), orderMoved(refused, 'CANCELLED'));

    assert.deepEqual(await levels(db, sku), { stock: 2, reserved: 2 });
  });

  test('an approval of an order inventory never saw changes nothing and sends nothing', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const sku = await addProduct(db, uniqueSku(), 5);
      const unseen = orderCreated([{ sku, quantity: 1 }]);
      const before = (await readInserts()).length;

      await deliver(orderMoved(unseen, 'APPROVED'), orderMoved(unseen, 'CANCELLED'));

      assert.equal((await readInserts()).length, before);
      assert.deepEqual(await levels(db, sku), { stock: 5, reserved: 0 });
    });
  });

  test('each settlement announces the changed product through the outbox', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const sku = await addProduct(db, uniqueSku(), 10);
      const order = orderCreated([{ sku, quantity: 4 }]);

      await deliver(order, orderMoved(order, 'APPROVED'), orderMoved(order, 'CANCELLED'));

      const changes = (await readInserts())
        .filter((insert) => insert.topic === 'microshop.products' && insert.key === sku)
        .map((insert) => productChangedEventSchema.parse(insert.payload).product);
      assert.deepEqual(
        changes.map((p) => [p.stock, p.reserved]),
        [
          [10, 0], // created
          [10, 4], // reserved
          [6, 0], // committed
          [10, 0], // restocked
        ],
      );
    });
  });
});

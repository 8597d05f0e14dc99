import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMetrics } from '@microshop/platform';
import { type ReaperOptions, reaperMetrics, reapReservations } from '../src/tasks/reaper.ts';
import { orderCreated, orderMoved, uniqueSku } from './fixtures.ts';
import {
  addProduct,
  deliverer,
  fateDeliverer,
  levels,
  logger,
  migratedSchema,
  publishing,
  reservationStates,
} from './harness.ts';

// The reaper against the real PostgreSQL: an order's fate is recorded by the fates consumer even when
// the main consumer never acted on its event (dead-lettered there), and the reaper settles the rest.

const db = await migratedSchema('inventory_reaper');
const deliver = deliverer(db);
const fateSeen = fateDeliverer(db);
const registry = createMetrics('inventory-test');

function reaper(overrides: Partial<ReaperOptions> = {}): ReaperOptions {
  return {
    pool: db.pool,
    publishing,
    logger,
    graceMs: 0,
    reportAfterMs: 3_600_000,
    metrics: reaperMetrics(registry),
    ...overrides,
  };
}

const reapedOf = (pass: Awaited<ReturnType<typeof reapReservations>>, orderId: string) =>
  pass.reaped.filter((order) => order.orderId === orderId).map((order) => order.settlement);

describe('the reaper', () => {
  test('releases the reservation of an order that FAILED whose event the main consumer never handled, once', async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    const order = orderCreated([{ sku, quantity: 4 }]);
    await deliver(order);
    await fateSeen(orderMoved(order, 'FAILED')); // the main consumer dead-lettered it

    const first = await reapReservations(reaper());
    const second = await reapReservations(reaper());

    assert.deepEqual(reapedOf(first, order.orderId), ['release']);
    assert.deepEqual(reapedOf(second, order.orderId), []);
    assert.deepEqual(await reservationStates(db, order.orderId), ['RELEASED']);
    assert.deepEqual(await levels(db, sku), { stock: 10, reserved: 0 });
  });

  test('restocks an order cancelled after its approval, and commits one approved whose approval was never handled', async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    const cancelled = orderCreated([{ sku, quantity: 2 }]);
    await deliver(cancelled, orderMoved(cancelled, 'APPROVED'));
    await fateSeen(orderMoved(cancelled, 'APPROVED'), orderMoved(cancelled, 'CANCELLED'));
    const approved = orderCreated([{ sku, quantity: 3 }]);
    await deliver(approved);
    await fateSeen(orderMoved(approved, 'APPROVED'), orderMoved(approved, 'SHIPPED'));

    const pass = await reapReservations(reaper());

    assert.deepEqual(reapedOf(pass, cancelled.orderId), ['release']);
    assert.deepEqual(reapedOf(pass, approved.orderId), ['commit']);
    assert.deepEqual(await reservationStates(db, cancelled.orderId), ['RESTOCKED']);
    assert.deepEqual(await reservationStates(db, approved.orderId), ['COMMITTED']);
    assert.deepEqual(await levels(db, sku), { stock: 7, reserved: 0 });
  });

  test('an ended order stays ended: an approval replayed after its cancellation does not turn the fate back', async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    const order = orderCreated([{ sku, quantity: 1 }]);
    await deliver(order);
    await fateSeen(orderMoved(order, 'CANCELLED'), orderMoved(order, 'APPROVED'));

    await reapReservations(reaper());

    assert.deepEqual(await reservationStates(db, order.orderId), ['RELEASED']);
  });

  test('waits its grace period after the fate was seen, so the order event settles it first', async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    const order = orderCreated([{ sku, quantity: 1 }]);
    await deliver(order);
    await fateSeen(orderMoved(order, 'FAILED'));

    const pass = await reapReservations(reaper({ graceMs: 60_000 }));

    assert.deepEqual(reapedOf(pass, order.orderId), []);
    assert.deepEqual(await reservationStates(db, order.orderId), ['RESERVED']);
    await deliver(orderMoved(order, 'FAILED')); // its own event, late
    assert.deepEqual(await reservationStates(db, order.orderId), ['RELEASED']);
  });

  test('reports orders holding RESERVED stock past every deadline whose end it never saw, in a log line and a gauge', async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    const order = orderCreated([{ sku, quantity: 1 }]);
    await deliver(order);
    await db.pool.query(
      `UPDATE reservations SET created_at = now() - interval '2 hours' WHERE order_id = $1`,
      [order.orderId],
    );

    const pass = await reapReservations(reaper({ reportAfterMs: 3_600_000 }));

    assert.ok(pass.unsettled.count >= 1);
    assert.ok(pass.unsettled.oldest.includes(order.orderId));
    const gauge = await registry.getSingleMetric('inventory_unsettled_reservations')?.get();
    assert.equal(gauge?.values[0]?.value, pass.unsettled.count);
    assert.deepEqual(await reservationStates(db, order.orderId), ['RESERVED'], 'reported, not touched');
  });
});

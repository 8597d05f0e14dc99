import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withDecodingSlot } from '@microshop/platform/testing';
import { moved, orderEvent } from './fixtures.ts';
import {
  deliverer,
  migratedSchema,
  sandboxCarrier,
  shipmentOf,
  shippingDeps,
  startSandbox,
} from './harness.ts';

// Cancelled orders are not shipped; a shipment booked for an order cancelled afterwards is
// cancelled with the carrier (the saga's compensation).

const db = await migratedSchema('shipments_cancel');
const callbackUrl = 'http://127.0.0.1:9/api/v1/shipments/callbacks/carrier';

describe('cancelled orders', () => {
  test('an order cancelled before its approval arrives is never booked and nothing is announced', async (t) => {
    const sandbox = await startSandbox(t);
    const deliver = deliverer(shippingDeps(db, sandboxCarrier(sandbox.url), callbackUrl));
    const approved = orderEvent('APPROVED');

    await withDecodingSlot(db, async (readInserts) => {
      await deliver(moved(approved, 'CANCELLED'), approved);

      assert.equal(sandbox.bookings(approved.orderId).length, 0);
      assert.equal(await shipmentOf(db, approved.orderId), undefined);
      assert.equal((await readInserts()).length, 0);
    });
  });

  test('a cancellation after dispatch cancels the booking with the carrier and the shipment becomes CANCELLED', async (t) => {
    const sandbox = await startSandbox(t);
    const deliver = deliverer(shippingDeps(db, sandboxCarrier(sandbox.url), callbackUrl));
    const approved = orderEvent('APPROVED');
    await deliver(approved);

    const cancelled = moved(approved, 'CANCELLED');
    await deliver(cancelled, cancelled);

    assert.deepEqual(
      sandbox.bookings(approved.orderId).map((b) => b.status),
      ['cancelled'],
    );
    assert.equal((await shipmentOf(db, approved.orderId))?.status, 'CANCELLED');
    // A replayed approval afterwards books nothing new.
    await deliver(moved(approved, 'APPROVED'));
    assert.equal(sandbox.bookings(approved.orderId).length, 1);
  });

  test('a cancellation after a crash mid-booking finds the booking at the carrier and cancels it', async (t) => {
    const sandbox = await startSandbox(t);
    const real = sandboxCarrier(sandbox.url);
    const approved = orderEvent('APPROVED');
    const dying = {
      ...real,
      book: async (...args: Parameters<typeof real.book>) => {
        await real.book(...args);
        throw new Error('process killed after the carrier booked');
      },
    };
    await assert.rejects(deliverer(shippingDeps(db, dying, callbackUrl))(approved));

    await deliverer(shippingDeps(db, real, callbackUrl))(moved(approved, 'CANCELLED'));

    assert.deepEqual(
      sandbox.bookings(approved.orderId).map((b) => b.status),
      ['cancelled'],
    );
    assert.equal((await shipmentOf(db, approved.orderId))?.status, 'CANCELLED');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shipmentDispatchedSchema, topics } from '@microshop/contracts';
import { withDecodingSlot } from '@microshop/platform/testing';
import type { Carrier } from '../src/clients/carrier.ts';
import { moved, orderEvent } from './fixtures.ts';
import {
  deliverer,
  migratedSchema,
  sandboxCarrier,
  shipmentOf,
  shippingDeps,
  startSandbox,
} from './harness.ts';

// OrderApproved → one booking with the real sandbox carrier → DISPATCHED + ShipmentDispatched,
// through the Kafka handler against the real PostgreSQL.

const db = await migratedSchema('shipments_booking');
const callbackUrl = 'http://127.0.0.1:9/api/v1/shipments/callbacks/carrier';

describe('booking an approved order', () => {
  test('an approved order is booked once and announced as ShipmentDispatched with its tracking number', async (t) => {
    const sandbox = await startSandbox(t);
    const deliver = deliverer(shippingDeps(db, sandboxCarrier(sandbox.url), callbackUrl));
    const approved = orderEvent('APPROVED');

    await withDecodingSlot(db, async (readInserts) => {
      await deliver(approved);

      const [booking, ...more] = sandbox.bookings(approved.orderId);
      assert.ok(booking);
      assert.equal(more.length, 0);
      const row = await shipmentOf(db, approved.orderId);
      assert.equal(row?.status, 'DISPATCHED');
      assert.equal(row?.tracking_number, booking.trackingNumber);
      assert.equal(row?.carrier_shipment_id, booking.id);
      const inserts = await readInserts();
      assert.equal(inserts.length, 1);
      assert.equal(inserts[0]?.topic, topics.shipments);
      assert.equal(inserts[0]?.key, approved.orderId);
      const event = shipmentDispatchedSchema.parse(inserts[0]?.payload);
      assert.deepEqual(
        {
          orderId: event.orderId,
          shipmentId: event.shipmentId,
          trackingNumber: event.trackingNumber,
          carrier: event.carrier,
          source: event.source,
        },
        {
          orderId: approved.orderId,
          shipmentId: row?.id,
          trackingNumber: booking.trackingNumber,
          carrier: 'sandbox-express',
          source: 'shipments',
        },
      );
    });
  });

  test('a redelivered OrderApproved, and a copy under a new event id, book and announce nothing more', async (t) => {
    const sandbox = await startSandbox(t);
    const deliver = deliverer(shippingDeps(db, sandboxCarrier(sandbox.url), callbackUrl));
    const approved = orderEvent('APPROVED');
    await deliver(approved);

    await withDecodingSlot(db, async (readInserts) => {
      await deliver(approved, approved, moved(approved, 'APPROVED'));

      assert.equal(sandbox.bookings(approved.orderId).length, 1);
      assert.equal((await readInserts()).length, 0);
    });
  });

  test('a handler that dies between booking and commit leaves BOOKING; the redelivery dispatches the same booking', async (t) => {
    const sandbox = await startSandbox(t);
    const real = sandboxCarrier(sandbox.url);
    // The carrier books for real, then the process "dies" before the result is recorded.
    const dying: Carrier = {
      ...real,
      book: async (request, signal) => {
        await real.book(request, signal);
        throw new Error('process killed after the carrier booked');
      },
    };
    const approved = orderEvent('APPROVED');
    await assert.rejects(deliverer(shippingDeps(db, dying, callbackUrl))(approved), /process killed/);
    assert.equal((await shipmentOf(db, approved.orderId))?.status, 'BOOKING');

    await withDecodingSlot(db, async (readInserts) => {
      await deliverer(shippingDeps(db, real, callbackUrl))(approved);

      const bookings = sandbox.bookings(approved.orderId);
      assert.equal(bookings.length, 1);
      const row = await shipmentOf(db, approved.orderId);
      assert.equal(row?.status, 'DISPATCHED');
      assert.equal(row?.carrier_shipment_id, bookings[0]?.id);
      assert.deepEqual(
        (await readInserts()).map((insert) => insert.payload.type),
        ['ShipmentDispatched'],
      );
    });
  });

  test('twenty concurrent deliveries of one OrderApproved book once and announce once', async (t) => {
    const sandbox = await startSandbox(t);
    const deliver = deliverer(shippingDeps(db, sandboxCarrier(sandbox.url), callbackUrl));
    const approved = orderEvent('APPROVED');

    await withDecodingSlot(db, async (readInserts) => {
      await Promise.all(Array.from({ length: 20 }, () => deliver(approved)));

      assert.equal(sandbox.bookings(approved.orderId).length, 1);
      assert.equal((await readInserts()).length, 1);
    });
  });

  test('events other than approval and cancellation book nothing', async (t) => {
    const sandbox = await startSandbox(t);
    const deliver = deliverer(shippingDeps(db, sandboxCarrier(sandbox.url), callbackUrl));
    const created = orderEvent('CREATED');

    await deliver(created, moved(created, 'VALIDATED'), moved(created, 'FAILED'), null, {
      type: 'SomethingNew',
    });

    assert.equal(sandbox.bookings(created.orderId).length, 0);
    assert.equal(await shipmentOf(db, created.orderId), undefined);
  });

  test('a carrier that stays down fails the event retriably and leaves the shipment BOOKING', async () => {
    const down = sandboxCarrier('http://127.0.0.1:9', { maxAttempts: 2 });
    const approved = orderEvent('APPROVED');

    await assert.rejects(
      deliverer(shippingDeps(db, down, callbackUrl))(approved),
      (error: { retriable?: boolean }) => {
        assert.equal(error.retriable, true);
        return true;
      },
    );
    assert.equal((await shipmentOf(db, approved.orderId))?.status, 'BOOKING');
    const inbox = await db.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [approved.id]);
    assert.equal(inbox.rowCount, 0);
  });
});

import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { shipmentDeliveredSchema, topics } from '@microshop/contracts';
import type { HttpApp } from '@microshop/platform';
import { eventually, withDecodingSlot } from '@microshop/platform/testing';
import { moved, orderEvent } from './fixtures.ts';
import {
  deliverer,
  migratedSchema,
  sandboxCarrier,
  shipmentOf,
  shippingDeps,
  startSandbox,
  startShipmentsApp,
} from './harness.ts';

// The carrier's delivery webhook: the sandbox on port 0 calls the shipments app on port 0.

const db = await migratedSchema('shipments_callback');
const path = '/api/v1/shipments/callbacks/carrier';

async function statusOf(orderId: string): Promise<unknown> {
  return (await shipmentOf(db, orderId))?.status;
}

function postCallback(app: HttpApp, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
}

/** A dispatched order with the callback body its carrier would send. */
async function dispatched(t: test.TestContext, deliveryDelayMs?: number) {
  const shipments = await startShipmentsApp(t, db);
  const sandbox = await startSandbox(t, deliveryDelayMs === undefined ? {} : { deliveryDelayMs });
  const approved = orderEvent('APPROVED');
  await deliverer(shippingDeps(db, sandboxCarrier(sandbox.url), shipments.callbackUrl))(approved);
  const booking = sandbox.bookings(approved.orderId)[0];
  assert.ok(booking);
  const body = {
    event: 'delivered',
    shipmentId: booking.id,
    trackingNumber: booking.trackingNumber,
    reference: approved.orderId,
    deliveredAt: new Date().toISOString(),
  };
  return { shipments, sandbox, approved, body };
}

describe('the delivery callback', () => {
  test('the carrier calls back after delivery: DELIVERED and ShipmentDelivered, after ShipmentDispatched', async (t) => {
    await withDecodingSlot(db, async (readInserts) => {
      const { approved } = await dispatched(t, 50);

      await eventually(
        'the delivery callback',
        async () => (await statusOf(approved.orderId)) === 'DELIVERED',
      );

      const inserts = await readInserts();
      assert.deepEqual(
        inserts.map((insert) => [insert.topic, insert.key, insert.payload.type]),
        [
          [topics.shipments, approved.orderId, 'ShipmentDispatched'],
          [topics.shipments, approved.orderId, 'ShipmentDelivered'],
        ],
      );
      const delivered = shipmentDeliveredSchema.parse(inserts[1]?.payload);
      assert.equal(delivered.shipmentId, (await shipmentOf(db, approved.orderId))?.id);
      assert.equal(delivered.source, 'shipments');
    });
  });

  test('a repeated callback answers 200 and changes nothing', async (t) => {
    const { shipments, approved, body } = await dispatched(t);
    const first = await postCallback(shipments.app, body);
    assert.equal(first.statusCode, 200);
    const before = await shipmentOf(db, approved.orderId);

    await withDecodingSlot(db, async (readInserts) => {
      const again = await postCallback(shipments.app, body);

      assert.equal(again.statusCode, 200);
      assert.equal(again.json().status, 'DELIVERED');
      assert.deepEqual(await shipmentOf(db, approved.orderId), before);
      assert.equal((await readInserts()).length, 0);
    });
  });

  test('a callback for an unknown shipment is a 404 problem', async (t) => {
    const shipments = await startShipmentsApp(t, db);
    const body = {
      event: 'delivered',
      shipmentId: 'shp_unknown',
      trackingNumber: 'MS1',
      reference: randomUUID(),
      deliveredAt: new Date().toISOString(),
    };

    const answer = await postCallback(shipments.app, body);

    assert.equal(answer.statusCode, 404);
    assert.match(String(answer.headers['content-type']), /^application\/problem\+json/);
    assert.equal(answer.json().code, 'NOT_FOUND');
  });

  test('a malformed callback is a 400 naming the field, and changes nothing', async (t) => {
    const { shipments, approved, body } = await dispatched(t);

    const answer = await postCallback(shipments.app, { ...body, deliveredAt: 'yesterday' });

    assert.equal(answer.statusCode, 400);
    assert.deepEqual(
      answer.json().errors.map((e: { field: string }) => e.field),
      ['deliveredAt'],
    );
    assert.equal(await statusOf(approved.orderId), 'DISPATCHED');
  });

  test('a callback naming another order than the shipment was booked for is a 409', async (t) => {
    const { shipments, approved, body } = await dispatched(t);

    const answer = await postCallback(shipments.app, { ...body, reference: randomUUID() });

    assert.equal(answer.statusCode, 409);
    assert.equal(await statusOf(approved.orderId), 'DISPATCHED');
  });

  test('a callback for a cancelled shipment is refused as an invalid transition', async (t) => {
    const { shipments, sandbox, approved, body } = await dispatched(t);
    await deliverer(shippingDeps(db, sandboxCarrier(sandbox.url), shipments.callbackUrl))(
      moved(approved, 'CANCELLED'),
    );

    const answer = await postCallback(shipments.app, body);

    assert.equal(answer.statusCode, 409);
    assert.equal(answer.json().code, 'INVALID_TRANSITION');
    assert.match(answer.json().detail, /from CANCELLED to DELIVERED/);
  });
});

describe('signed callbacks', () => {
  const secret = 'shared-webhook-secret-for-tests';

  test('with a webhook secret, the signed callback of the sandbox is accepted', async (t) => {
    const shipments = await startShipmentsApp(t, db, { secret, toleranceSeconds: 300 });
    const sandbox = await startSandbox(t, { deliveryDelayMs: 20, secret });
    const approved = orderEvent('APPROVED');

    await deliverer(shippingDeps(db, sandboxCarrier(sandbox.url), shipments.callbackUrl))(approved);
    await eventually('the signed callback', async () => (await statusOf(approved.orderId)) === 'DELIVERED');
  });

  test('with a webhook secret, an unsigned or tampered callback is a 400 naming the signature header', async (t) => {
    const { approved, body } = await dispatched(t);
    const shipments = await startShipmentsApp(t, db, { secret, toleranceSeconds: 300 });
    const now = Math.floor(Date.now() / 1000);
    const signed = createHmac('sha256', secret)
      .update(`${now}.${JSON.stringify(body)}`)
      .digest('hex');
    const tampered = { ...body, deliveredAt: new Date(0).toISOString() };

    const unsigned = await postCallback(shipments.app, body);
    const forged = await postCallback(shipments.app, tampered, {
      'x-carrier-signature': `t=${now},v1=${signed}`,
    });

    for (const answer of [unsigned, forged]) {
      assert.equal(answer.statusCode, 400);
      assert.deepEqual(
        answer.json().errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
        [['x-carrier-signature', 'signature']],
      );
    }
    assert.equal(await statusOf(approved.orderId), 'DISPATCHED');
    const genuine = await postCallback(shipments.app, body, {
      'x-carrier-signature': `t=${now},v1=${signed}`,
    });
    assert.equal(genuine.statusCode, 200);
  });
});

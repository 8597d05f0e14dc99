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
  testWebhookSecret,
} from './harness.ts';

// The carrier's delivery webhook: the sandbox on port 0 calls the shipments app on port 0.

const db = await migratedSchema('shipments_callback');
const path = '/api/v1/shipments/callbacks/carrier';

async function statusOf(orderId: string): Promise<unknown> {
  return (await shipmentOf(db, orderId))?.status;
}

/** `X-Carrier-Signature` of `payload` as the carrier makes it: at `at` (unix seconds), with `secret`. */
function signatureOf(payload: string, at: number, secret = testWebhookSecret): string {
  return `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${payload}`).digest('hex')}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A callback signed as the carrier would, at `at` (default now), unless `headers` say otherwise. */
function postCallback(
  app: HttpApp,
  body: unknown,
  options: { at?: number; secret?: string; headers?: Record<string, string> } = {},
) {
  const payload = JSON.stringify(body);
  const signature = signatureOf(payload, options.at ?? nowSeconds(), options.secret);
  return app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', 'x-carrier-signature': signature, ...options.headers },
    payload,
  });
}

function signatureRefusals(answers: readonly { statusCode: number; json(): unknown }[]) {
  return answers.map((answer) => {
    const problem = answer.json() as { code: string; errors: { field: string; rule: string }[] };
    return [answer.statusCode, problem.code, problem.errors.map((e) => [e.field, e.rule])];
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

  test('a repeated callback (signed anew) answers 200 and changes nothing', async (t) => {
    const { shipments, approved, body } = await dispatched(t);
    // Two signing times, one second apart: the carrier signs every attempt anew.
    const at = nowSeconds();
    const first = await postCallback(shipments.app, body, { at });
    assert.equal(first.statusCode, 200);
    const before = await shipmentOf(db, approved.orderId);

    await withDecodingSlot(db, async (readInserts) => {
      const again = await postCallback(shipments.app, body, { at: at - 1 });

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

describe('the webhook signature', () => {
  test('the callbacks the sandbox signs with the shared secret are accepted', async (t) => {
    const shipments = await startShipmentsApp(t, db);
    const sandbox = await startSandbox(t, { deliveryDelayMs: 20 });
    const approved = orderEvent('APPROVED');

    await deliverer(shippingDeps(db, sandboxCarrier(sandbox.url), shipments.callbackUrl))(approved);
    await eventually('the signed callback', async () => (await statusOf(approved.orderId)) === 'DELIVERED');
  });

  test('an unsigned, tampered, foreign or stale callback is a 401 naming the signature header', async (t) => {
    const { shipments, approved, body } = await dispatched(t);
    const tampered = { ...body, deliveredAt: new Date(0).toISOString() };
    const signedForBody = signatureOf(JSON.stringify(body), nowSeconds());

    const answers = [
      await postCallback(shipments.app, body, { headers: { 'x-carrier-signature': '' } }),
      await postCallback(shipments.app, tampered, { headers: { 'x-carrier-signature': signedForBody } }),
      await postCallback(shipments.app, body, { secret: 'somebody-elses-webhook-secret' }),
      await postCallback(shipments.app, body, { at: nowSeconds() - 301 }),
    ];

    const refusal = [401, 'UNAUTHENTICATED', [['x-carrier-signature', 'signature']]];
    assert.deepEqual(signatureRefusals(answers), [refusal, refusal, refusal, refusal]);
    assert.equal(await statusOf(approved.orderId), 'DISPATCHED');
    assert.equal((await postCallback(shipments.app, body)).statusCode, 200);
  });

  test('a callback replayed as it was recorded is a 401, even within its time window', async (t) => {
    const { shipments, approved, body } = await dispatched(t);
    const recorded = { 'x-carrier-signature': signatureOf(JSON.stringify(body), nowSeconds()) };

    const first = await postCallback(shipments.app, body, { headers: recorded });
    const replayed = await postCallback(shipments.app, body, { headers: recorded });

    assert.equal(first.statusCode, 200);
    assert.equal(await statusOf(approved.orderId), 'DELIVERED');
    assert.deepEqual(signatureRefusals([replayed]), [
      [401, 'UNAUTHENTICATED', [['x-carrier-signature', 'signature']]],
    ]);
    assert.match((replayed.json() as { detail: string }).detail, /used before/);
  });

  test('without a webhook secret every callback is refused (fail closed)', async (t) => {
    const { approved, body } = await dispatched(t);
    const closed = await startShipmentsApp(t, db, { secrets: [], toleranceSeconds: 300 });

    const answer = await postCallback(closed.app, body);

    assert.equal(answer.statusCode, 401);
    assert.match((answer.json() as { detail: string }).detail, /no webhook secret is configured/);
    assert.equal(await statusOf(approved.orderId), 'DISPATCHED');
  });

  test('while the secret is rotated, callbacks signed with the new or the old one are accepted', async (t) => {
    const newSecret = 'the-rotated-in-webhook-secret';
    const rotating = { secrets: [newSecret, testWebhookSecret], toleranceSeconds: 300 };
    const first = await dispatched(t);
    const second = await dispatched(t);
    const shipments = await startShipmentsApp(t, db, rotating);

    const byNew = await postCallback(shipments.app, first.body, { secret: newSecret });
    const byOld = await postCallback(shipments.app, second.body);

    assert.deepEqual([byNew.statusCode, byOld.statusCode], [200, 200]);
    assert.equal(await statusOf(first.approved.orderId), 'DELIVERED');
    assert.equal(await statusOf(second.approved.orderId), 'DELIVERED');
  });
});

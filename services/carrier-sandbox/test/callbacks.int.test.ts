import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { waitUntil } from '@microshop/platform/testing';
import { bookingBody, postBooking, startReceiver, startSandbox } from './harness.ts';

// The delivery webhook against a real node:http receiver on port 0.

describe('the delivery callback', () => {
  test('after the delivery delay the carrier POSTs the delivered event to the callback URL', async (t) => {
    const receiver = await startReceiver(t, () => 200);
    const sandbox = await startSandbox(t, { deliveryDelayMs: 50 });
    const reference = randomUUID();
    const booked = await postBooking(sandbox, 'k', bookingBody(reference, receiver.url));

    await waitUntil('the callback', () => receiver.received.length === 1);

    const callback = receiver.received[0];
    assert.equal(callback?.headers['content-type'], 'application/json');
    const body = JSON.parse(callback?.body ?? '{}');
    assert.deepEqual(Object.keys(body).sort(), [
      'deliveredAt',
      'event',
      'reference',
      'shipmentId',
      'trackingNumber',
    ]);
    assert.equal(body.event, 'delivered');
    assert.equal(body.shipmentId, booked.body.id);
    assert.equal(body.trackingNumber, booked.body.trackingNumber);
    assert.equal(body.reference, reference);
    const shipment = sandbox.store.get(String(booked.body.id));
    assert.equal(shipment?.status, 'delivered');
    assert.equal(body.deliveredAt, shipment?.deliveredAt);
    await waitUntil(
      'the acknowledgement',
      () => shipment !== undefined && sandbox.store.get(shipment.id)?.callback.state === 'acknowledged',
    );
  });

  test('a callback answered with 5xx is retried with backoff until a 2xx, then no more', async (t) => {
    const receiver = await startReceiver(t, (n) => (n <= 2 ? 503 : 204));
    const sandbox = await startSandbox(t);
    const booked = await postBooking(sandbox, 'k', bookingBody(randomUUID(), receiver.url));
    const id = String(booked.body.id);

    await waitUntil('the acknowledgement', () => sandbox.store.get(id)?.callback.state === 'acknowledged');
    await new Promise((resolve) => setTimeout(resolve, 200));

    assert.deepEqual(
      receiver.received.map((r) => [r.headers['x-carrier-attempt'], r.answered]),
      [
        ['1', 503],
        ['2', 503],
        ['3', 204],
      ],
    );
    assert.equal(new Set(receiver.received.map((r) => r.body)).size, 1);
    assert.equal(sandbox.store.get(id)?.callback.attempts, 3);
  });

  test('a callback to a receiver that is down is retried, and gives up after the last attempt', async (t) => {
    // Port 9 (discard) on loopback refuses the connection: the receiver is down.
    const sandbox = await startSandbox(t, { retry: { maxAttempts: 3, initialMs: 10, maxMs: 20 } });
    const booked = await postBooking(sandbox, 'k', bookingBody(randomUUID(), 'http://127.0.0.1:9/down'));
    const id = String(booked.body.id);

    await waitUntil('the carrier to give up', () => sandbox.store.get(id)?.callback.state === 'abandoned');

    const progress = sandbox.store.get(id)?.callback;
    assert.equal(progress?.attempts, 3);
    assert.equal(progress?.lastStatus, null);
    assert.ok(progress?.lastError);
  });

  test('with a webhook secret every callback carries an HMAC signature of its time and body', async (t) => {
    const secret = 'a-shared-secret-of-some-length';
    const receiver = await startReceiver(t, () => 200);
    const sandbox = await startSandbox(t, { secret });
    await postBooking(sandbox, 'k', bookingBody(randomUUID(), receiver.url));

    await waitUntil('the callback', () => receiver.received.length === 1);

    const { headers, body } = receiver.received[0] ?? { headers: {} as Record<string, string>, body: '' };
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['x-carrier-signature']));
    assert.ok(match, `signature header: ${headers['x-carrier-signature']}`);
    const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest('hex');
    assert.equal(match[2], expected);
    assert.ok(Math.abs(Number(match[1]) - Date.now() / 1000) < 60);
  });
});

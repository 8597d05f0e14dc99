import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { bookingBody, postBooking, startSandbox } from './harness.ts';

// The booking API over real HTTP: shape, Idempotency-Key rules, reads, cancellation.

describe('booking a shipment', () => {
  test('a booking answers 201 with a shp_ id, an MS tracking number and the status booked', async (t) => {
    const sandbox = await startSandbox(t);
    const reference = randomUUID();

    const answer = await postBooking(sandbox, `shipment-${reference}`, bookingBody(reference));

    assert.equal(answer.status, 201);
    assert.match(String(answer.body.id), /^shp_[0-9a-f]{16}$/);
    assert.match(String(answer.body.trackingNumber), /^MS\d{12}$/);
    assert.equal(answer.body.status, 'booked');
    assert.equal(answer.body.reference, reference);
    assert.equal(answer.body.carrier, 'sandbox-express');
    assert.equal(answer.headers.get('location'), `/v1/shipments/${answer.body.id}`);
  });

  test('a booking without Idempotency-Key is a 400 naming the header and books nothing', async (t) => {
    const sandbox = await startSandbox(t);

    const answer = await postBooking(sandbox, undefined, bookingBody(randomUUID()));

    assert.equal(answer.status, 400);
    assert.deepEqual(
      (answer.body.errors as { field: string; rule: string }[]).map((e) => [e.field, e.rule]),
      [['idempotency-key', 'required']],
    );
    assert.equal(sandbox.store.size(), 0);
  });

  test('a malformed body is a 400 naming the field', async (t) => {
    const sandbox = await startSandbox(t);
    const body = { ...bookingBody(randomUUID()), parcels: [{ sku: 'JUMPERS', quantity: 0 }] };

    const answer = await postBooking(sandbox, randomUUID(), body);

    assert.equal(answer.status, 400);
    assert.equal((answer.body.errors as { field: string }[])[0]?.field, 'parcels[0].quantity');
  });

  test('the same key with the same body twice answers the first shipment and books once', async (t) => {
    // Delivered long after the test: the replay must answer the booking as it was first answered.
    const sandbox = await startSandbox(t, { deliveryDelayMs: 60_000 });
    const reference = randomUUID();
    const first = await postBooking(sandbox, 'key-1', bookingBody(reference));
    // The same fields in another order are the same request.
    const { callbackUrl, parcels } = bookingBody(reference);

    const second = await postBooking(sandbox, 'key-1', { callbackUrl, parcels, reference });

    assert.equal(second.status, 200);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(second.body, first.body);
    assert.equal(sandbox.store.byReference(reference).length, 1);
  });

  test('twenty concurrent bookings with one key book one shipment', async (t) => {
    const sandbox = await startSandbox(t);
    const reference = randomUUID();

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => postBooking(sandbox, `shipment-${reference}`, bookingBody(reference))),
    );

    assert.deepEqual(new Set(answers.map((a) => a.body.id)).size, 1);
    assert.deepEqual(
      answers.map((a) => a.status).sort((x, y) => x - y),
      [...Array(19).fill(200), 201],
    );
    assert.equal(sandbox.store.byReference(reference).length, 1);
  });

  test('the same key with another body is a 422 and books nothing more', async (t) => {
    const sandbox = await startSandbox(t);
    const reference = randomUUID();
    await postBooking(sandbox, 'key-2', bookingBody(reference));

    const other = { ...bookingBody(reference), parcels: [{ sku: 'SCARVES', quantity: 1 }] };
    const answer = await postBooking(sandbox, 'key-2', other);

    assert.equal(answer.status, 422);
    assert.equal(answer.body.code, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal(sandbox.store.size(), 1);
  });
});

describe('reading and cancelling shipments', () => {
  test('a shipment is read by id, and by reference with every booking of that reference', async (t) => {
    const sandbox = await startSandbox(t);
    const reference = randomUUID();
    const a = await postBooking(sandbox, 'a', bookingBody(reference));
    const b = await postBooking(sandbox, 'b', bookingBody(reference));
    await postBooking(sandbox, 'c', bookingBody(randomUUID()));

    const one = await fetch(`${sandbox.url}/v1/shipments/${a.body.id}`);
    const list = await fetch(`${sandbox.url}/v1/shipments?reference=${reference}`);

    assert.equal(one.status, 200);
    assert.equal(((await one.json()) as { trackingNumber: string }).trackingNumber, a.body.trackingNumber);
    const { shipments } = (await list.json()) as { shipments: { id: string }[] };
    assert.deepEqual(
      shipments.map((s) => s.id),
      [a.body.id, b.body.id],
    );
  });

  test('an unknown shipment is a 404 problem', async (t) => {
    const sandbox = await startSandbox(t);

    const answer = await fetch(`${sandbox.url}/v1/shipments/shp_0000000000000000`);

    assert.equal(answer.status, 404);
    assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
  });

  test('a booked shipment cancels, again without error, and is never delivered', async (t) => {
    const sandbox = await startSandbox(t, { deliveryDelayMs: 100 });
    const booked = await postBooking(sandbox, 'cancel-me', bookingBody(randomUUID()));
    const cancel = () => fetch(`${sandbox.url}/v1/shipments/${booked.body.id}/cancel`, { method: 'POST' });

    const first = await cancel();
    const again = await cancel();
    await new Promise((resolve) => setTimeout(resolve, 250));

    assert.equal(first.status, 200);
    assert.equal(again.status, 200);
    const shipment = sandbox.store.get(String(booked.body.id));
    assert.equal(shipment?.status, 'cancelled');
    assert.equal(shipment?.deliveredAt, null);
  });
});

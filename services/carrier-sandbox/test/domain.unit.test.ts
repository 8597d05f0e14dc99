import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalJson, decideBooking, fingerprintOf } from '../src/domain/idempotency.ts';
import { nextRetryDelay } from '../src/domain/retry-policy.ts';
import { bookShipment, cancelShipment, deliveredCallback, deliverShipment } from '../src/domain/shipment.ts';

const request = {
  reference: 'order-1',
  parcels: [{ sku: 'JUMPERS', quantity: 1 }],
  callbackUrl: 'http://127.0.0.1/cb',
};
const stamp = { id: 'shp_1', trackingNumber: 'MS000000000001', at: new Date('2026-01-01T00:00:00Z') };
const later = new Date('2026-01-01T00:00:05Z');

describe('idempotency', () => {
  test('an unseen key books, the same fingerprint replays, another fingerprint conflicts', () => {
    const earlier = { shipmentId: 'shp_1', fingerprint: fingerprintOf(request) };
    assert.deepEqual(decideBooking(undefined, 'x'), { kind: 'create' });
    assert.deepEqual(decideBooking(earlier, fingerprintOf({ ...request })), {
      kind: 'replay',
      shipmentId: 'shp_1',
    });
    assert.deepEqual(decideBooking(earlier, fingerprintOf({ ...request, reference: 'order-2' })), {
      kind: 'conflict',
      shipmentId: 'shp_1',
    });
  });

  test('the fingerprint ignores key order and absent optional fields but not array order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
    assert.equal(fingerprintOf({ ...request, recipient: undefined }), fingerprintOf(request));
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });
});

describe('the shipment state machine', () => {
  test('a booked shipment is delivered once, and only then has a callback to send', () => {
    const booked = bookShipment(request, stamp);
    assert.equal(deliveredCallback(booked), null);

    const delivered = deliverShipment(booked, later);

    assert.equal(delivered?.status, 'delivered');
    assert.equal(delivered?.callback.state, 'pending');
    assert.equal(delivered && deliverShipment(delivered, later), null);
    assert.deepEqual(delivered && deliveredCallback(delivered), {
      event: 'delivered',
      shipmentId: 'shp_1',
      trackingNumber: 'MS000000000001',
      reference: 'order-1',
      deliveredAt: later.toISOString(),
    });
  });

  test('a booked shipment cancels; a cancelled one is unchanged; a delivered one refuses', () => {
    const booked = bookShipment(request, stamp);
    const cancelled = cancelShipment(booked, later);
    assert.equal(cancelled.kind, 'cancelled');
    assert.equal(cancelled.shipment.status, 'cancelled');
    assert.equal(cancelShipment(cancelled.shipment, later).kind, 'unchanged');
    assert.equal(deliverShipment(cancelled.shipment, later), null);
    const delivered = deliverShipment(booked, later);
    assert.equal(delivered && cancelShipment(delivered, later).kind, 'refused');
  });
});

describe('the callback retry policy', () => {
  const policy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 300 };

  test('delays double from the initial one, are capped, and stop after the last attempt', () => {
    const top = () => 1;
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => nextRetryDelay(n, policy, top)),
      [100, 200, 300, 300, null],
    );
  });

  test('jitter keeps at least half of each delay', () => {
    assert.equal(
      nextRetryDelay(2, policy, () => 0),
      100,
    );
  });
});

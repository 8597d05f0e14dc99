import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '@microshop/platform';
import { canonicalJson } from '@microshop/platform/pure';
import { callbackRetryOf, sandboxConfig } from '../src/config.ts';
import { decideBooking, fingerprintOf } from '../src/domain/idempotency.ts';
import {
  type CarrierShipment,
  decide,
  deliveredCallback,
  evolve,
  type ShipmentCommand,
} from '../src/domain/shipment.ts';

const request = {
  reference: 'order-1',
  parcels: [{ sku: 'JUMPERS', quantity: 1 }],
  callbackUrl: 'http://127.0.0.1/cb',
};
const stamp = { id: 'shp_1', trackingNumber: 'MS000000000001', at: new Date('2026-01-01T00:00:00Z') };
const later = new Date('2026-01-01T00:00:05Z');

/** The shipment after `command`, as the handlers apply it: decide, then evolve with each event. */
function apply(shipment: CarrierShipment | null, command: ShipmentCommand) {
  const events = decide(command, shipment);
  return { events, shipment: events.reduce(evolve, shipment) };
}

const bookShipment = () => {
  const { shipment } = apply(null, { type: 'BookShipment', request, stamp });
  assert.ok(shipment, 'a booking books');
  return shipment;
};

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
    const booked = bookShipment();
    assert.equal(deliveredCallback(booked), null);
    assert.deepEqual(decide({ type: 'BookShipment', request, stamp }, booked), []);

    const { shipment: delivered } = apply(booked, { type: 'DeliverShipment', at: later });

    assert.equal(delivered?.status, 'delivered');
    assert.equal(delivered?.callback.state, 'pending');
    assert.deepEqual(decide({ type: 'DeliverShipment', at: later }, delivered), []);
    assert.deepEqual(delivered && deliveredCallback(delivered), {
      event: 'delivered',
      shipmentId: 'shp_1',
      trackingNumber: 'MS000000000001',
      reference: 'order-1',
      deliveredAt: later.toISOString(),
    });
  });

  test('a booked shipment cancels; a cancelled one is unchanged; a delivered one refuses', () => {
    const booked = bookShipment();
    const cancel: ShipmentCommand = { type: 'CancelShipment', at: later };
    const cancelled = apply(booked, cancel);
    assert.deepEqual(cancelled.events, [{ type: 'ShipmentCancelled', at: later.toISOString() }]);
    assert.equal(cancelled.shipment?.status, 'cancelled');
    assert.deepEqual(decide(cancel, cancelled.shipment), []);
    assert.deepEqual(decide({ type: 'DeliverShipment', at: later }, cancelled.shipment), []);
    const delivered = apply(booked, { type: 'DeliverShipment', at: later }).shipment;
    assert.deepEqual(decide(cancel, delivered), [{ type: 'CancellationRefused', status: 'delivered' }]);
  });
});

describe('the callback retry settings', () => {
  test('by default 20 attempts, waiting from 500 ms and doubling up to 30 s', () => {
    assert.deepEqual(callbackRetryOf(loadConfig(sandboxConfig, {})), {
      maxAttempts: 20,
      initialMs: 500,
      maxMs: 30_000,
    });
  });

  test('a maximum wait below the first one is raised to it', () => {
    const config = loadConfig(sandboxConfig, {
      CARRIER_CALLBACK_BACKOFF_MS: '1000',
      CARRIER_CALLBACK_MAX_BACKOFF_MS: '10',
    });
    assert.deepEqual(callbackRetryOf(config), { maxAttempts: 20, initialMs: 1000, maxMs: 1000 });
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shipmentDeliveredSchema, shipmentDispatchedSchema, shipmentStatuses } from '@microshop/contracts';
import { type CarrierCancellation, commandFor, decide } from '../src/domain/decide.ts';
import { shipmentDelivered, shipmentDispatched } from '../src/domain/events.ts';
import {
  bookingKey,
  evolve,
  move,
  type OrderShipping,
  type ShipmentStatus,
  type ShippingEvent,
} from '../src/domain/shipment.ts';

const stamp = { id: '00000000-0000-4000-8000-000000000001', at: new Date('2026-01-01T00:00:00Z') };
const orderId = '00000000-0000-4000-8000-0000000000aa';

/** What an approval decides for an order whose shipment is `shipment` and which was or was not cancelled. */
const approval = (shipment: ShipmentStatus | null, cancelled: boolean) =>
  decide({ type: 'ShipOrder' }, { shipment, cancelled });

/** What a cancellation does to the shipment: ask the carrier first, cancel it, or keep it. */
function cancellation(shipment: ShipmentStatus, carrier: CarrierCancellation | null) {
  const decision = decide({ type: 'CancelOrder', carrier }, { shipment, cancelled: false });
  if (decision.kind === 'ask-carrier-to-cancel') return 'ask-carrier-first';
  return decision.events.some((event) => event.type === 'ShipmentCancelled') ? 'cancel' : 'keep';
}

describe('the shipment state machine', () => {
  test('BOOKING → DISPATCHED → DELIVERED, and BOOKING or DISPATCHED → CANCELLED, are the only moves', () => {
    const allowed = shipmentStatuses.flatMap((from) =>
      shipmentStatuses.filter((to) => move(from, to).kind === 'moved').map((to) => `${from}→${to}`),
    );
    assert.deepEqual(allowed, [
      'BOOKING→DISPATCHED',
      'BOOKING→CANCELLED',
      'DISPATCHED→DELIVERED',
      'DISPATCHED→CANCELLED',
    ]);
  });

  test('a move to where the shipment is changes nothing; a move backwards is refused naming both ends', () => {
    assert.deepEqual(move('DELIVERED', 'DELIVERED'), { kind: 'unchanged', status: 'DELIVERED' });
    assert.deepEqual(move('CANCELLED', 'DELIVERED'), { kind: 'refused', from: 'CANCELLED', to: 'DELIVERED' });
    assert.deepEqual(move('DELIVERED', 'DISPATCHED'), {
      kind: 'refused',
      from: 'DELIVERED',
      to: 'DISPATCHED',
    });
  });

  test('the booking key is derived from the order alone', () => {
    assert.equal(bookingKey(orderId), `shipment-${orderId}`);
  });
});

describe('what an order event asks of shipments', () => {
  test('approval ships, cancellation cancels, every other status is ignored', () => {
    assert.equal(commandFor('OrderApproved'), 'ShipOrder');
    assert.equal(commandFor('OrderCancelled'), 'CancelOrder');
    for (const type of [
      'OrderCreated',
      'OrderValidated',
      'OrderShipped',
      'OrderDelivered',
      'OrderFailed',
    ] as const) {
      assert.equal(commandFor(type), null, type);
    }
  });

  test('an approval books a new order, books again one left BOOKING, and skips one booked or cancelled first', () => {
    assert.deepEqual(approval(null, false), { kind: 'book', isNew: true });
    assert.deepEqual(approval('BOOKING', false), { kind: 'book', isNew: false });
    assert.deepEqual(approval(null, true), { kind: 'skip', reason: 'cancelled-before-booking' });
    assert.deepEqual(approval('DISPATCHED', false), { kind: 'skip', reason: 'already-booked' });
    assert.deepEqual(approval('DELIVERED', true), { kind: 'skip', reason: 'already-booked' });
  });

  test('an approval of a cancelled order that may have a booking cancels it with the carrier', () => {
    assert.deepEqual(approval('CANCELLED', true), { kind: 'ask-carrier-to-cancel' });
    assert.deepEqual(approval('BOOKING', true), { kind: 'ask-carrier-to-cancel' });
  });

  test('a cancellation asks the carrier before cancelling anything that may be booked', () => {
    assert.equal(cancellation('BOOKING', null), 'ask-carrier-first');
    assert.equal(cancellation('DISPATCHED', null), 'ask-carrier-first');
    assert.equal(cancellation('DISPATCHED', 'cancelled'), 'cancel');
    assert.equal(cancellation('BOOKING', 'nothing-booked'), 'cancel');
  });

  test('a cancellation keeps a shipment the carrier delivered already, or one that is settled', () => {
    assert.equal(cancellation('DISPATCHED', 'already-delivered'), 'keep');
    assert.equal(cancellation('DELIVERED', null), 'keep');
    assert.equal(cancellation('CANCELLED', null), 'keep');
  });
});

describe('what the carrier and its callbacks ask of a shipment', () => {
  const booking = (shipment: ShipmentStatus) =>
    decide({ type: 'RecordBooking' }, { shipment, cancelled: false });
  const delivery = (shipment: ShipmentStatus) =>
    decide({ type: 'RecordDelivery' }, { shipment, cancelled: false });

  test('a booking dispatches a BOOKING shipment; one dispatched or delivered stays; a cancelled one refuses', () => {
    assert.deepEqual(booking('BOOKING'), { kind: 'record', events: [{ type: 'Dispatched' }] });
    assert.deepEqual(booking('DISPATCHED'), { kind: 'skip', reason: 'already-booked' });
    assert.deepEqual(booking('DELIVERED'), { kind: 'skip', reason: 'already-booked' });
    assert.deepEqual(booking('CANCELLED'), { kind: 'refused', from: 'CANCELLED', to: 'DISPATCHED' });
  });

  test('a delivery delivers a dispatched shipment, again changes nothing, and a cancelled one refuses', () => {
    assert.deepEqual(delivery('DISPATCHED'), { kind: 'record', events: [{ type: 'Delivered' }] });
    assert.deepEqual(delivery('DELIVERED'), { kind: 'skip', reason: 'unchanged' });
    assert.deepEqual(delivery('CANCELLED'), { kind: 'refused', from: 'CANCELLED', to: 'DELIVERED' });
  });

  test('the recorded events evolve the order: booking, dispatched, delivered; a cancellation is remembered', () => {
    const shipped: ShippingEvent[] = [
      { type: 'BookingStarted' },
      { type: 'Dispatched' },
      { type: 'Delivered' },
    ];
    const cancelled: ShippingEvent[] = [{ type: 'OrderCancelled' }, { type: 'ShipmentCancelled' }];
    const start: OrderShipping = { shipment: null, cancelled: false };

    assert.deepEqual(shipped.reduce(evolve, start), { shipment: 'DELIVERED', cancelled: false });
    assert.deepEqual(cancelled.reduce(evolve, { ...start, shipment: 'BOOKING' }), {
      shipment: 'CANCELLED',
      cancelled: true,
    });
  });
});

describe('the events shipments publishes', () => {
  test('ShipmentDispatched and ShipmentDelivered match their contracts and come from shipments', () => {
    const shipment = {
      id: 'c0ffee00-0000-4000-8000-000000000001',
      orderId,
      trackingNumber: 'MS1',
      carrier: 'x',
    };
    const dispatched = shipmentDispatchedSchema.parse(shipmentDispatched(shipment, stamp));
    const delivered = shipmentDeliveredSchema.parse(shipmentDelivered(shipment, stamp));

    assert.deepEqual(
      [dispatched.source, dispatched.orderId, dispatched.trackingNumber, dispatched.occurredAt],
      ['shipments', orderId, 'MS1', '2026-01-01T00:00:00.000Z'],
    );
    assert.deepEqual(
      [delivered.source, delivered.shipmentId, delivered.id],
      ['shipments', shipment.id, stamp.id],
    );
  });
});

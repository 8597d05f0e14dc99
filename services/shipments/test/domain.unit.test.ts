import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shipmentDeliveredSchema, shipmentDispatchedSchema, shipmentStatuses } from '@microshop/contracts';
import { shipmentDelivered, shipmentDispatched } from '../src/domain/events.ts';
import { cancellationStep, planApproval, reactionTo } from '../src/domain/reactions.ts';
import { bookingKey, move } from '../src/domain/shipment.ts';

const stamp = { id: '00000000-0000-4000-8000-000000000001', at: new Date('2026-01-01T00:00:00Z') };
const orderId = '00000000-0000-4000-8000-0000000000aa';

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
    assert.equal(reactionTo('OrderApproved'), 'ship');
    assert.equal(reactionTo('OrderCancelled'), 'cancel');
    for (const type of [
      'OrderCreated',
      'OrderValidated',
      'OrderShipped',
      'OrderDelivered',
      'OrderFailed',
    ] as const) {
      assert.equal(reactionTo(type), null, type);
    }
  });

  test('an approval books a new order, books again one left BOOKING, and skips one booked or cancelled first', () => {
    assert.deepEqual(planApproval(null, false), { kind: 'book', isNew: true });
    assert.deepEqual(planApproval('BOOKING', false), { kind: 'book', isNew: false });
    assert.deepEqual(planApproval(null, true), { kind: 'skip', reason: 'cancelled-before-booking' });
    assert.deepEqual(planApproval('DISPATCHED', false), { kind: 'skip', reason: 'already-booked' });
    assert.deepEqual(planApproval('DELIVERED', true), { kind: 'skip', reason: 'already-booked' });
  });

  test('an approval of a cancelled order that may have a booking cancels it with the carrier', () => {
    assert.deepEqual(planApproval('CANCELLED', true), { kind: 'compensate' });
    assert.deepEqual(planApproval('BOOKING', true), { kind: 'compensate' });
  });

  test('a cancellation asks the carrier before cancelling anything that may be booked', () => {
    assert.equal(cancellationStep('BOOKING', null), 'ask-carrier-first');
    assert.equal(cancellationStep('DISPATCHED', null), 'ask-carrier-first');
    assert.equal(cancellationStep('DISPATCHED', 'cancelled'), 'cancel');
    assert.equal(cancellationStep('BOOKING', 'nothing-booked'), 'cancel');
  });

  test('a cancellation keeps a shipment the carrier delivered already, or one that is settled', () => {
    assert.equal(cancellationStep('DISPATCHED', 'already-delivered'), 'keep');
    assert.equal(cancellationStep('DELIVERED', null), 'keep');
    assert.equal(cancellationStep('CANCELLED', null), 'keep');
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

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Order, orderEventSchema } from '@microshop/contracts';
import { buildOrderEvent, orderEventKey, outboxEventsFor } from '../src/domain/events.ts';
import type { OrderDomainEvent } from '../src/domain/order.ts';

const customerId = '6f1c2f7e-3b0a-4c51-9a43-2d5b8f1e0c11';
const orderId = '0b7d8a55-1e2f-4a3b-8c9d-0e1f2a3b4c5d';
const eventIds = ['a3e1b6c2-5d4f-4e8a-9b7c-1d2e3f4a5b6c', 'b4f2c7d3-6e5a-4f9b-8c8d-2e3f4a5b6c7d'];
const created = '2025-03-01T12:00:00.000Z';
const now = new Date('2025-03-01T12:05:00.000Z');

const order: Order = {
  id: orderId,
  customerId,
  items: [{ sku: 'JUMPERS', quantity: 1, unitPrice: 4200 }],
  currency: 'GBP',
  total: 4200,
  status: 'CREATED',
  reasons: [],
  createdAt: created,
  updatedAt: created,
};
const reference = 'pm_orderReference00000000000000';
const orderCreated: OrderDomainEvent = { type: 'OrderCreated', order, payment: { reference } };

describe('order outbox events', () => {
  it('builds an OrderCreated envelope that the contract accepts, with the payment reference (never a card token)', () => {
    const event = buildOrderEvent(order, orderCreated, eventIds[0] as string, now);
    assert.deepEqual(orderEventSchema.parse(event), {
      id: eventIds[0],
      type: 'OrderCreated',
      occurredAt: now.toISOString(),
      source: 'orders',
      orderId,
      customerId,
      status: 'CREATED',
      order,
      payment: { reference },
    });
  });

  it('keys an order event by the customer id as a plain string', () => {
    assert.equal(orderEventKey(buildOrderEvent(order, orderCreated, eventIds[0] as string, now)), customerId);
  });

  it('refuses to announce a change the order does not show', () => {
    const approved: OrderDomainEvent = { type: 'OrderApproved', orderId, at: now.toISOString() };
    assert.throws(
      () => buildOrderEvent(order, approved, eventIds[0] as string, now),
      /OrderApproved .* CREATED/,
    );
  });

  it('builds one envelope per change, each carrying the order right after it', () => {
    const at = now.toISOString();
    const ids = [...eventIds];
    const { state, outbox } = outboxEventsFor(
      order,
      [
        { type: 'OrderValidated', orderId, at },
        { type: 'OrderFailed', orderId, at, reasons: ['card declined'] },
      ],
      () => ids.shift() as string,
      now,
    );
    assert.deepEqual(
      outbox.map((e) => [e.id, e.type, e.status, e.order.status, e.order.reasons]),
      [
        [eventIds[0], 'OrderValidated', 'VALIDATED', 'VALIDATED', []],
        [eventIds[1], 'OrderFailed', 'FAILED', 'FAILED', ['card declined']],
      ],
    );
    assert.equal(state?.status, 'FAILED');
    for (const event of outbox) assert.equal(orderEventSchema.safeParse(event).success, true);
  });

  it('builds nothing and keeps the state when there are no events', () => {
    assert.deepEqual(
      outboxEventsFor(order, [], () => 'unused', now),
      { state: order, outbox: [] },
    );
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createOrderRequestSchema, orderCreatedEventSchema } from '@microshop/contracts';
import { orderCreatedEvent, orderRequest } from '../src/testing/orders.ts';

describe('order fixtures', () => {
  test('orderRequest is a valid create-order body for a new customer each call, overrides replacing fields', () => {
    const first = orderRequest();
    const second = orderRequest({ currency: 'USD' });

    assert.deepEqual(createOrderRequestSchema.parse(first), first);
    assert.notEqual(first.customerId, second.customerId);
    assert.deepEqual(first.items, [
      { sku: 'JUMPERS', quantity: 2, unitPrice: 2500 },
      { sku: 'STOCKINGS', quantity: 1, unitPrice: 999 },
    ]);
    assert.deepEqual([first.currency, second.currency, first.payment.token], ['EUR', 'USD', 'tok_visa']);
  });

  test('orderCreatedEvent follows the contract, with a correct total unless one is given', () => {
    const at = new Date('2025-03-01T10:00:00.000Z');
    const event = orderCreatedEvent({ at, items: [{ sku: 'JUMPERS', quantity: 3, unitPrice: 1000 }] });
    const overpriced = orderCreatedEvent({ total: 1 });

    assert.deepEqual(orderCreatedEventSchema.parse(event), event);
    assert.deepEqual(
      [event.order.total, event.order.createdAt, event.occurredAt, event.orderId, event.customerId],
      [3000, at.toISOString(), at.toISOString(), event.order.id, event.order.customerId],
    );
    assert.equal(overpriced.order.total, 1);
  });
});

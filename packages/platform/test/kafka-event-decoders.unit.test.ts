import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../src/errors.ts';
import { decodeCustomerChange, decodeOrderCreated, decodeOrderEvent } from '../src/kafka/event-decoders.ts';
import { samplePaymentReference } from '../src/testing/orders.ts';

const orderId = '0b7d8a55-1e2f-4a3b-8c9d-0e1f2a3b4c5d';
const customerId = '6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const stamps = { createdAt: '2025-03-01T10:00:00.000Z', updatedAt: '2025-03-01T10:00:00.000Z' };
const envelope = () => ({ id: crypto.randomUUID(), occurredAt: stamps.createdAt, customerId });

function orderEvent(type: string, status: string, extra: Record<string, unknown> = {}) {
  const items = [{ sku: 'JUMPERS', quantity: 1, unitPrice: 2500 }];
  const order = { id: orderId, customerId, items, currency: 'EUR', total: 2500, reasons: [], ...stamps };
  return {
    value: { ...envelope(), type, source: 'orders', orderId, status, order: { ...order, status }, ...extra },
  };
}

/** Refused for good: a VALIDATION_FAILED the consumer dead-letters instead of retrying. */
const nonRetriable = (error: unknown) =>
  error instanceof AppError && error.code === 'VALIDATION_FAILED' && !error.retriable;

describe('decodeOrderEvent and decodeOrderCreated', () => {
  const created = orderEvent('OrderCreated', 'CREATED', { payment: { reference: samplePaymentReference } });
  const approved = orderEvent('OrderApproved', 'APPROVED');

  test('an order status event of a type the reader acts on is parsed; any other is skipped', () => {
    assert.equal(decodeOrderEvent(approved)?.type, 'OrderApproved');
    assert.equal(decodeOrderEvent(approved, ['OrderCreated', 'OrderApproved'])?.orderId, orderId);
    assert.equal(decodeOrderEvent(approved, ['OrderCreated']), null);
    assert.equal(decodeOrderCreated(created)?.payment.reference, samplePaymentReference);
    assert.equal(decodeOrderCreated(approved), null);
    assert.equal(decodeOrderCreated({ value: null }), null);
  });

  test('an event whose ids do not match its embedded order breaks the contract: non-retriable', () => {
    assert.throws(
      () => decodeOrderCreated({ value: { ...created.value, customerId: orderId } }),
      nonRetriable,
    );
  });
});

describe('decodeCustomerChange', () => {
  const customer = { id: customerId, name: 'Ada', email: 'ada@example.com', level: 'gold', ...stamps };
  const registered = { ...envelope(), type: 'CustomerRegistered', source: 'customers', customer };

  test('CustomerRegistered and CustomerUpdated are read, other types skipped, a broken one refused', () => {
    assert.equal(decodeCustomerChange({ value: registered })?.customer.id, customerId);
    assert.equal(
      decodeCustomerChange({ value: { ...registered, type: 'CustomerUpdated' } })?.type,
      'CustomerUpdated',
    );
    assert.equal(decodeCustomerChange({ value: { ...registered, type: 'CustomerDeleted' } }), null);
    assert.throws(() => decodeCustomerChange({ value: { ...registered, customer: {} } }), nonRetriable);
  });
});

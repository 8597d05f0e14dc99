import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../src/errors.ts';
import { decodeCustomerChange, decodeOrderCreated, decodeOrderEvent } from '../src/kafka/event-decoders.ts';

const orderId = '0b7d8a55-1e2f-4a3b-8c9d-0e1f2a3b4c5d';
const customerId = '6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const at = '2025-03-01T10:00:00.000Z';

function orderEvent(type: string, status: string, extra: Record<string, unknown> = {}) {
  const order = {
    id: orderId,
    customerId,
    items: [{ sku: 'JUMPERS', quantity: 1, unitPrice: 2500 }],
    currency: 'EUR',
    total: 2500,
    status,
    reasons: [],
    createdAt: at,
    updatedAt: at,
  };
  const value = {
    id: crypto.randomUUID(),
    type,
    occurredAt: at,
    source: 'orders',
    orderId,
    customerId,
    status,
  };
  return { value: { ...value, order, ...extra } };
}

const created = orderEvent('OrderCreated', 'CREATED', { payment: { token: 'tok_visa' } });
const approved = orderEvent('OrderApproved', 'APPROVED');

function rejection(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected it to throw');
}

describe('decodeOrderEvent and decodeOrderCreated', () => {
  test('an order status event of a type the reader acts on is parsed; any other is skipped', () => {
    assert.equal(decodeOrderEvent(approved)?.type, 'OrderApproved');
    assert.equal(decodeOrderEvent(approved, ['OrderCreated', 'OrderApproved'])?.orderId, orderId);
    assert.equal(decodeOrderEvent(approved, ['OrderCreated']), null);
    assert.equal(decodeOrderCreated(created)?.payment.token, 'tok_visa');
    assert.equal(decodeOrderCreated(approved), null);
    assert.equal(decodeOrderCreated({ value: null }), null);
  });

  test('an event whose ids do not match its embedded order breaks the contract: non-retriable', () => {
    const mismatched = { value: { ...created.value, customerId: orderId } };

    const error = rejection(() => decodeOrderCreated(mismatched));

    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.equal(error.retriable, false);
  });
});

describe('decodeCustomerChange', () => {
  const customer = {
    id: customerId,
    name: 'Ada',
    email: 'ada@example.com',
    level: 'gold',
    createdAt: at,
    updatedAt: at,
  };
  const registered = {
    value: {
      id: crypto.randomUUID(),
      type: 'CustomerRegistered',
      occurredAt: at,
      source: 'customers',
      customerId,
      customer,
    },
  };

  test('CustomerRegistered and CustomerUpdated are read, other types skipped, a broken one refused', () => {
    assert.equal(decodeCustomerChange(registered)?.customer.id, customerId);
    assert.equal(
      decodeCustomerChange({ value: { ...registered.value, type: 'CustomerUpdated' } })?.type,
      'CustomerUpdated',
    );
    assert.equal(decodeCustomerChange({ value: { ...registered.value, type: 'CustomerDeleted' } }), null);
    assert.equal(
      rejection(() => decodeCustomerChange({ value: { ...registered.value, customer: {} } })).retriable,
      false,
    );
  });
});

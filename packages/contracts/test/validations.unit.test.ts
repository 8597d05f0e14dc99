import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { orderValidationEvent, orderValidationEventSchema } from '../src/index.ts';

describe('orderValidationEvent', () => {
  test('a FRAUD PASS has no reason and a FAIL carries it, both valid OrderValidation events', () => {
    const orderId = randomUUID();
    const stamp = { id: randomUUID(), at: new Date('2025-03-01T10:00:00.000Z') };

    const pass = orderValidationEvent('FRAUD', orderId, { result: 'PASS' }, stamp);
    const fail = orderValidationEvent('FRAUD', orderId, { result: 'FAIL', reason: 'too much' }, stamp);

    assert.deepEqual(orderValidationEventSchema.parse(pass), {
      id: stamp.id,
      type: 'OrderValidation',
      occurredAt: '2025-03-01T10:00:00.000Z',
      source: 'fraud',
      orderId,
      check: 'FRAUD',
      result: 'PASS',
      reason: null,
    });
    assert.equal(orderValidationEventSchema.parse(fail).reason, 'too much');
  });

  test('an ORDER_DETAILS FAIL carries its reason and a PASS none, both valid OrderValidation events', () => {
    const createdAt = '2025-03-01T10:00:00.000Z';
    const orderId = randomUUID();
    const stamp = { id: randomUUID(), at: new Date(createdAt) };

    const fail = orderValidationEvent(
      'ORDER_DETAILS',
      orderId,
      { result: 'FAIL', reason: 'unknown sku X' },
      stamp,
    );
    const pass = orderValidationEvent('ORDER_DETAILS', orderId, { result: 'PASS' }, stamp);

    assert.deepEqual(orderValidationEventSchema.parse(fail), {
      id: stamp.id,
      type: 'OrderValidation',
      occurredAt: createdAt,
      source: 'order-details',
      orderId,
      check: 'ORDER_DETAILS',
      result: 'FAIL',
      reason: 'unknown sku X',
    });
    assert.equal(orderValidationEventSchema.parse(pass).reason, null);
  });

  test('each check is sent by its own validator', () => {
    const stamp = { id: randomUUID(), at: new Date() };
    const sources = (['FRAUD', 'INVENTORY', 'ORDER_DETAILS'] as const).map(
      (check) => orderValidationEvent(check, randomUUID(), { result: 'PASS' }, stamp).source,
    );
    assert.deepEqual(sources, ['fraud', 'inventory', 'order-details']);
  });
});

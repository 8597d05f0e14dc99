import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  orderEventTypes,
  orderValidationEventSchema,
  type Product,
  productChangedEventSchema,
} from '@microshop/contracts';
import { sameProduct, stockRefusal, upserted } from '../src/domain/catalog.ts';
import { productChangedEvent, reactionTo, validationEvent } from '../src/domain/events.ts';

const stamp = { id: '7f3c1e64-1d5c-4c4e-9f7e-2b7f4b1e0a11', at: new Date('2025-03-01T10:00:00.000Z') };
const orderId = 'a1b2c3d4-0000-4000-8000-000000000001';

describe('reactionTo', () => {
  test('OrderCreated reserves, OrderApproved commits, OrderFailed and OrderCancelled release', () => {
    assert.deepEqual(reactionTo('OrderCreated'), { kind: 'reserve' });
    assert.deepEqual(reactionTo('OrderApproved'), { kind: 'settle', settlement: 'commit' });
    assert.deepEqual(reactionTo('OrderFailed'), { kind: 'settle', settlement: 'release' });
    assert.deepEqual(reactionTo('OrderCancelled'), { kind: 'settle', settlement: 'release' });
  });

  test('the other order statuses ask nothing of inventory', () => {
    const ignored = orderEventTypes.filter((type) => reactionTo(type) === null);
    assert.deepEqual(ignored, ['OrderValidated', 'OrderShipped', 'OrderDelivered']);
  });
});

describe('validationEvent', () => {
  test('a full reservation is an INVENTORY PASS without reason, valid on the wire', () => {
    const event = validationEvent(orderId, { ok: true, reservations: [], bySku: [] }, stamp);

    assert.deepEqual(orderValidationEventSchema.parse(event), {
      id: stamp.id,
      type: 'OrderValidation',
      occurredAt: '2025-03-01T10:00:00.000Z',
      source: 'inventory',
      orderId,
      check: 'INVENTORY',
      result: 'PASS',
      reason: null,
    });
  });

  test('a shortage is an INVENTORY FAIL whose reason names the sku', () => {
    const event = validationEvent(
      orderId,
      { ok: false, shortages: [{ kind: 'insufficient-stock', sku: 'JUMPERS', requested: 3, available: 1 }] },
      stamp,
    );

    assert.equal(event.result, 'FAIL');
    assert.equal(event.reason, 'insufficient stock: JUMPERS (requested 3, available 1)');
  });
});

const jumpers: Product = {
  sku: 'JUMPERS',
  name: 'Woolly jumper',
  unitPrice: 2500,
  currency: 'EUR',
  stock: 10,
  reserved: 4,
  updatedAt: '2025-03-01T09:00:00.000Z',
};

describe('productChangedEvent', () => {
  test('carries the whole product, keyed by its sku, valid on the wire', () => {
    const event = productChangedEventSchema.parse(productChangedEvent(jumpers, stamp));

    assert.equal(event.sku, 'JUMPERS');
    assert.deepEqual(event.product, jumpers);
    assert.equal(event.source, 'inventory');
  });
});

describe('catalog rules', () => {
  test('stock may go down to what is reserved but not below, and the refusal says how many are reserved', () => {
    assert.equal(stockRefusal('JUMPERS', 4, 4), null);
    assert.equal(
      stockRefusal('JUMPERS', 4, 3),
      'stock of JUMPERS cannot be set to 3: 4 units are reserved for orders not yet settled',
    );
  });

  test('an upsert without stock keeps the stock and never touches reservations', () => {
    const next = upserted(jumpers, { name: 'Jumper', unitPrice: 2600, currency: 'EUR' });

    assert.deepEqual(next, { ...jumpers, name: 'Jumper', unitPrice: 2600 });
    assert.equal(sameProduct(jumpers, next), false);
    assert.equal(
      sameProduct(jumpers, upserted(jumpers, { name: jumpers.name, unitPrice: 2500, currency: 'EUR' })),
      true,
    );
  });
});

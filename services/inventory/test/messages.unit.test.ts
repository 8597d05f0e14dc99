import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  orderEventTypes,
  orderValidationEventSchema,
  type Product,
  productChangedEventSchema,
} from '@microshop/contracts';
import * as catalog from '../src/domain/catalog.ts';
import { actedOn, commandFor } from '../src/domain/commands.ts';
import { productChangedEvent, validationEvent } from '../src/domain/messages.ts';

const stamp = { id: '7f3c1e64-1d5c-4c4e-9f7e-2b7f4b1e0a11', at: new Date('2025-03-01T10:00:00.000Z') };
const orderId = 'a1b2c3d4-0000-4000-8000-000000000001';

describe('commandFor', () => {
  const order = { id: orderId, items: [{ sku: 'JUMPERS', quantity: 2, unitPrice: 2500 }] };

  test('OrderCreated reserves, OrderApproved commits, OrderFailed and OrderCancelled release', () => {
    assert.deepEqual(commandFor('OrderCreated', order), {
      type: 'ReserveOrder',
      orderId,
      lines: order.items,
    });
    assert.deepEqual(commandFor('OrderApproved', order), {
      type: 'SettleOrder',
      orderId,
      settlement: 'commit',
    });
    assert.deepEqual(commandFor('OrderFailed', order), {
      type: 'SettleOrder',
      orderId,
      settlement: 'release',
    });
    assert.deepEqual(commandFor('OrderCancelled', order), {
      type: 'SettleOrder',
      orderId,
      settlement: 'release',
    });
  });

  test('the other order statuses ask nothing of inventory, and are not even decoded', () => {
    const ignored = orderEventTypes.filter((type) => commandFor(type, order) === null);
    assert.deepEqual(ignored, ['OrderValidated', 'OrderShipped', 'OrderDelivered']);
    assert.deepEqual(
      orderEventTypes.filter((type) => commandFor(type, order) !== null),
      [...actedOn].sort((a, b) => orderEventTypes.indexOf(a) - orderEventTypes.indexOf(b)),
    );
  });
});

describe('validationEvent', () => {
  test('a full reservation is an INVENTORY PASS without reason, valid on the wire', () => {
    const event = validationEvent({ type: 'StockReserved', orderId, reservations: [], deltas: [] }, stamp);

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
      {
        type: 'ReservationRefused',
        orderId,
        shortages: [{ kind: 'insufficient-stock', sku: 'JUMPERS', requested: 3, available: 1 }],
      },
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

describe('the operator on the catalog', () => {
  const at = new Date('2025-03-02T08:00:00.000Z');
  const setStock = (stock: number) =>
    catalog.decide({ type: 'SetStock', sku: 'JUMPERS', stock, at }, jumpers);

  test('stock may go down to what is reserved but not below, and the refusal says how many are reserved', () => {
    assert.deepEqual(setStock(4), [
      { type: 'ProductEdited', product: { ...jumpers, stock: 4, updatedAt: at.toISOString() } },
    ]);
    assert.deepEqual(setStock(3), [
      {
        type: 'StockChangeRefused',
        sku: 'JUMPERS',
        reason: 'stock of JUMPERS cannot be set to 3: 4 units are reserved for orders not yet settled',
      },
    ]);
  });

  test('stock of an unknown sku cannot be set', () => {
    assert.deepEqual(catalog.decide({ type: 'SetStock', sku: 'HATS', stock: 1, at }, null), [
      { type: 'ProductUnknown', sku: 'HATS' },
    ]);
  });

  test('an upsert without stock keeps the stock and never touches reservations', () => {
    const upsert = (request: { name: string; unitPrice: number; currency: string }) =>
      catalog.decide({ type: 'UpsertProduct', sku: 'JUMPERS', request, at }, jumpers);

    const edited = upsert({ name: 'Jumper', unitPrice: 2600, currency: 'EUR' });

    assert.deepEqual(edited.reduce(catalog.evolve, jumpers), {
      ...jumpers,
      name: 'Jumper',
      unitPrice: 2600,
      updatedAt: at.toISOString(),
    });
    assert.deepEqual(upsert({ name: jumpers.name, unitPrice: 2500, currency: 'EUR' }), [], 'nothing changes');
  });

  test('an upsert of a new sku adds it, with stock 0 unless given and nothing reserved', () => {
    const request = { name: 'Hat', unitPrice: 900, currency: 'EUR' };

    assert.deepEqual(catalog.decide({ type: 'UpsertProduct', sku: 'HATS', request, at }, null), [
      {
        type: 'ProductAdded',
        product: { sku: 'HATS', ...request, stock: 0, reserved: 0, updatedAt: at.toISOString() },
      },
    ]);
  });
});

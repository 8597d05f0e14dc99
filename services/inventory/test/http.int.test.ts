import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { productChangedEventSchema, productSchema } from '@microshop/contracts';
import { withDecodingSlot } from '@microshop/platform/testing';
import { orderCreated, orderMoved, uniqueSku } from './fixtures.ts';
import { addProduct, deliverer, httpApp, levels, migratedSchema } from './harness.ts';

// The catalog API through app.inject() against the real PostgreSQL.

const db = await migratedSchema('inventory_http');
const app = await httpApp(db);
after(() => app.close());
const deliver = deliverer(db);

const put = (url: string, payload: Record<string, unknown>) => app.inject({ method: 'PUT', url, payload });

describe('GET /api/v1/products', () => {
  test('lists every product sorted by sku, the demo catalog included', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/products' });

    assert.equal(response.statusCode, 200);
    const products = productSchema.array().parse(response.json().products);
    const skus = products.map((p) => p.sku);
    assert.deepEqual(skus, [...skus].sort());
    const bySku = new Map(products.map((p) => [p.sku, p]));
    assert.deepEqual(
      ['JUMPERS', 'STOCKINGS', 'UNDERPANTS'].map((sku) => {
        const p = bySku.get(sku);
        return [sku, p?.unitPrice, p?.currency, (p?.stock ?? 0) >= 100];
      }),
      [
        ['JUMPERS', 2500, 'EUR', true],
        ['STOCKINGS', 999, 'EUR', true],
        ['UNDERPANTS', 1200, 'EUR', true],
      ],
    );
  });
});

describe('GET /api/v1/products/{sku}', () => {
  test('answers the product with its stock and reserved units', async () => {
    const sku = await addProduct(db, uniqueSku(), 7);
    await deliver(orderCreated([{ sku, quantity: 2 }]));

    const response = await app.inject({ method: 'GET', url: `/api/v1/products/${sku}` });

    assert.equal(response.statusCode, 200);
    assert.deepEqual(
      { ...(response.json() as object), updatedAt: '' },
      { sku, name: `Test ${sku}`, unitPrice: 100, currency: 'EUR', stock: 7, reserved: 2, updatedAt: '' },
    );
  });

  test('answers 404 problem for an unknown sku and 400 naming sku for a malformed one', async () => {
    const missing = await app.inject({ method: 'GET', url: `/api/v1/products/${uniqueSku()}` });
    const malformed = await app.inject({ method: 'GET', url: '/api/v1/products/jumpers' });

    assert.equal(missing.statusCode, 404);
    assert.match(String(missing.headers['content-type']), /^application\/problem\+json/);
    assert.equal(missing.json().code, 'NOT_FOUND');
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().errors[0].field, 'sku');
  });
});

describe('PUT /api/v1/products/{sku}/stock', () => {
  test('sets the stock and answers the product', async () => {
    const sku = await addProduct(db, uniqueSku(), 5);

    const response = await put(`/api/v1/products/${sku}/stock`, { stock: 42 });

    assert.equal(response.statusCode, 200);
    assert.equal(productSchema.parse(response.json()).stock, 42);
    assert.deepEqual(await levels(db, sku), { stock: 42, reserved: 0 });
  });

  test('refuses with 409 to go below the reserved units, saying how many are reserved', async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    await deliver(orderCreated([{ sku, quantity: 6 }]));

    const below = await put(`/api/v1/products/${sku}/stock`, { stock: 5 });
    const exactly = await put(`/api/v1/products/${sku}/stock`, { stock: 6 });

    assert.equal(below.statusCode, 409);
    assert.equal(below.json().code, 'CONFLICT');
    assert.match(below.json().detail, /6 units are reserved/);
    assert.equal(exactly.statusCode, 200);
    assert.deepEqual(await levels(db, sku), { stock: 6, reserved: 6 });
  });

  test('answers 404 for an unknown sku', async () => {
    const response = await put(`/api/v1/products/${uniqueSku()}/stock`, { stock: 1 });

    assert.equal(response.statusCode, 404);
  });

  test('answers 400 naming the field for a bad body, and changes nothing', async () => {
    const sku = await addProduct(db, uniqueSku(), 5);

    const cases = await Promise.all([
      put(`/api/v1/products/${sku}/stock`, { stock: -1 }),
      put(`/api/v1/products/${sku}/stock`, { stock: 1.5 }),
      put(`/api/v1/products/${sku}/stock`, { stock: '3' }),
      put(`/api/v1/products/${sku}/stock`, {}),
    ]);

    assert.deepEqual(
      cases.map((response) => [response.statusCode, response.json().errors[0].field]),
      Array(4).fill([400, 'stock']),
    );
    assert.deepEqual(
      cases.map((response) => response.json().errors[0].rule),
      ['minimum', 'type', 'type', 'required'],
    );
    assert.deepEqual(await levels(db, sku), { stock: 5, reserved: 0 });
  });
});

describe('PUT /api/v1/products/{sku}', () => {
  test('creates a new sku with 201 and a Location, then updates it with 200 keeping stock and reservations', async () => {
    const sku = uniqueSku();
    const created = await put(`/api/v1/products/${sku}`, { name: 'Scarf', unitPrice: 1500, stock: 3 });
    await deliver(orderCreated([{ sku, quantity: 1 }]));

    const updated = await put(`/api/v1/products/${sku}`, {
      name: 'Red scarf',
      unitPrice: 1600,
      currency: 'EUR',
    });

    assert.equal(created.statusCode, 201);
    assert.equal(created.headers.location, `/api/v1/products/${sku}`);
    assert.deepEqual(
      { ...(created.json() as object), updatedAt: '' },
      { sku, name: 'Scarf', unitPrice: 1500, currency: 'EUR', stock: 3, reserved: 0, updatedAt: '' },
    );
    assert.equal(updated.statusCode, 200);
    assert.deepEqual(
      { ...(updated.json() as object), updatedAt: '' },
      { sku, name: 'Red scarf', unitPrice: 1600, currency: 'EUR', stock: 3, reserved: 1, updatedAt: '' },
    );
  });

  test('answers 400 naming the field for a bad product, and 409 for a stock below reserved', async () => {
    const sku = await addProduct(db, uniqueSku(), 2);
    await deliver(orderCreated([{ sku, quantity: 2 }]));

    const badPrice = await put(`/api/v1/products/${sku}`, { name: 'X', unitPrice: 9.99 });
    const unknownField = await put(`/api/v1/products/${sku}`, { name: 'X', unitPrice: 1, colour: 'red' });
    const belowReserved = await put(`/api/v1/products/${sku}`, { name: 'X', unitPrice: 1, stock: 1 });

    assert.deepEqual([badPrice.statusCode, badPrice.json().errors[0].field], [400, 'unitPrice']);
    assert.deepEqual([unknownField.statusCode, unknownField.json().errors[0].field], [400, 'colour']);
    assert.equal(belowReserved.statusCode, 409);
  });
});

describe('GET /api/v1/products/{sku}/reservations', () => {
  test("lists the product's reservations newest first with their state", async () => {
    const sku = await addProduct(db, uniqueSku(), 10);
    const first = orderCreated([{ sku, quantity: 1 }]);
    const second = orderCreated([{ sku, quantity: 2 }]);
    await deliver(first, second, orderMoved(first, 'APPROVED'));

    const response = await app.inject({ method: 'GET', url: `/api/v1/products/${sku}/reservations` });
    const missing = await app.inject({ method: 'GET', url: `/api/v1/products/${uniqueSku()}/reservations` });

    assert.equal(response.statusCode, 200);
    assert.deepEqual(
      response
        .json()
        .reservations.map((r: { orderId: string; quantity: number; state: string }) => [
          r.orderId,
          r.quantity,
          r.state,
        ]),
      [
        [second.orderId, 2, 'RESERVED'],
        [first.orderId, 1, 'COMMITTED'],
      ],
    );
    assert.equal(missing.statusCode, 404);
  });
});

describe('product changes', () => {
  test('create, price change and stock change each publish one ProductChanged; a no-op publishes none', async () => {
    await withDecodingSlot(db, async (readInserts) => {
      const sku = uniqueSku();
      await put(`/api/v1/products/${sku}`, { name: 'Hat', unitPrice: 1000, stock: 1 });
      await put(`/api/v1/products/${sku}`, { name: 'Hat', unitPrice: 1100 });
      await put(`/api/v1/products/${sku}`, { name: 'Hat', unitPrice: 1100 });
      await put(`/api/v1/products/${sku}/stock`, { stock: 9 });
      await put(`/api/v1/products/${sku}/stock`, { stock: 9 });

      const mine = (await readInserts()).filter((insert) => insert.key === sku);
      assert.ok(mine.every((insert) => insert.topic === 'microshop.products'));
      assert.deepEqual(
        mine.map((insert) => {
          const { product } = productChangedEventSchema.parse(insert.payload);
          return [product.unitPrice, product.stock];
        }),
        [
          [1000, 1],
          [1100, 1],
          [1100, 9],
        ],
      );
    });
  });
});

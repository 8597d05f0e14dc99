import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setStock, upsertProduct } from '../src/handlers/catalog-commands.ts';
import { orderCreated, uniqueSku } from './fixtures.ts';
import { asOperator, deliverer, httpApp, issuer, migratedSchema, publishing } from './harness.ts';

// The catalog audit: every operator change, field by field, with who made it and when; readable
// through GET /api/v1/products/{sku}/audit, newest first.

const db = await migratedSchema('inventory_audit');
const app = await httpApp(db);
after(() => app.close());

const auditOf = async (sku: string) => {
  const response = await app.inject({
    method: 'GET',
    url: `/api/v1/products/${sku}/audit`,
    headers: asOperator,
  });
  assert.equal(response.statusCode, 200, response.body);
  return (
    response.json() as { entries: { field: string; from: unknown; to: unknown; by: string; at: string }[] }
  ).entries;
};

test('creating, repricing and restocking a product are audited with who, when, before and after', async () => {
  const sku = uniqueSku();
  const request = { name: 'Wool hat', unitPrice: 1500, currency: 'EUR', stock: 10 };
  await upsertProduct(db.pool, publishing, sku, request, 'operator-ada');
  await upsertProduct(
    db.pool,
    publishing,
    sku,
    { ...request, unitPrice: 1, stock: undefined },
    'operator-bob',
  );
  await setStock(db.pool, publishing, sku, 0, 'operator-ada');

  const entries = await auditOf(sku);

  assert.deepEqual(
    entries.map(({ field, from, to, by }) => [field, from, to, by]),
    [
      ['stock', 10, 0, 'operator-ada'],
      ['unitPrice', 1500, 1, 'operator-bob'],
      ['name', null, 'Wool hat', 'operator-ada'],
      ['unitPrice', null, 1500, 'operator-ada'],
      ['currency', null, 'EUR', 'operator-ada'],
      ['stock', null, 10, 'operator-ada'],
    ],
  );
  for (const entry of entries) assert.ok(!Number.isNaN(Date.parse(entry.at)), entry.at);
});

test('orders reserving stock and changes that change nothing leave no audit entry', async () => {
  const sku = uniqueSku();
  const request = { name: 'Scarf', unitPrice: 900, currency: 'EUR', stock: 5 };
  await upsertProduct(db.pool, publishing, sku, request, 'operator-ada');
  const before = (await auditOf(sku)).length;

  await upsertProduct(db.pool, publishing, sku, request, 'operator-bob');
  await deliverer(db)(orderCreated([{ sku, quantity: 2 }]));

  assert.equal((await auditOf(sku)).length, before);
});

test('a change through the API is recorded as its caller’s; the audit of an unknown sku is a 404', async () => {
  const sku = uniqueSku();
  const operator = await issuer.operator('operator-carol');
  const put = await app.inject({
    method: 'PUT',
    url: `/api/v1/products/${sku}`,
    payload: { name: 'Mittens', unitPrice: 700 },
    headers: operator.headers,
  });
  assert.equal(put.statusCode, 201, put.body);

  assert.deepEqual([...new Set((await auditOf(sku)).map((entry) => entry.by))], ['operator-carol']);
  const unknown = await app.inject({
    method: 'GET',
    url: `/api/v1/products/${uniqueSku()}/audit`,
    headers: asOperator,
  });
  assert.equal(unknown.statusCode, 404);
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { problemDetailsSchema } from '@microshop/platform';
import { asCustomer, countRows, givenInstance, givenOrdersSchema, orderRequest } from './support.ts';

// POST /api/v1/orders with bodies that break a rule: each is a 4xx problem+json naming the field
// and the rule, and none writes a row (order, line or idempotency key).

const db = await givenOrdersSchema('orders_http_bad');

function problemOf(response: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/, response.body);
  return problemDetailsSchema.parse(JSON.parse(response.body));
}

const valid = orderRequest();
const item = valid.items[0] ?? { sku: 'JUMPERS', quantity: 1, unitPrice: 1 };
const withItem = (patch: Record<string, unknown>) => ({ ...valid, items: [{ ...item, ...patch }] });

// A body without customerId is no longer malformed: the customer is the token's (access.int.test.ts).
const badBodies: { name: string; payload: unknown; status: number; field?: string; rule?: string }[] = [
  {
    name: 'customerId not a uuid',
    payload: { ...valid, customerId: 'abc' },
    status: 400,
    field: 'customerId',
  },
  { name: 'zero quantity', payload: withItem({ quantity: 0 }), status: 400, field: 'items[0].quantity' },
  { name: 'negative quantity', payload: withItem({ quantity: -1 }), status: 400, field: 'items[0].quantity' },
  {
    name: 'fractional quantity',
    payload: withItem({ quantity: 1.5 }),
    status: 400,
    field: 'items[0].quantity',
  },
  { name: 'float price', payload: withItem({ unitPrice: 9.99 }), status: 400, field: 'items[0].unitPrice' },
  {
    name: 'negative price',
    payload: withItem({ unitPrice: -100 }),
    status: 400,
    field: 'items[0].unitPrice',
  },
  { name: 'empty items', payload: { ...valid, items: [] }, status: 400, field: 'items', rule: 'minItems' },
  {
    name: 'more than 100 lines',
    payload: { ...valid, items: Array(101).fill(item) },
    status: 400,
    field: 'items',
  },
  {
    name: 'unknown field',
    payload: { ...valid, discount: 5 },
    status: 400,
    field: 'discount',
    rule: 'unknownField',
  },
  { name: 'unknown item field', payload: withItem({ color: 'red' }), status: 400, field: 'items[0].color' },
  { name: 'lower-case currency', payload: { ...valid, currency: 'eur' }, status: 400, field: 'currency' },
  {
    name: 'quantity as a string',
    payload: withItem({ quantity: '2' }),
    status: 400,
    field: 'items[0].quantity',
    rule: 'type',
  },
  {
    name: 'items not an array',
    payload: { ...valid, items: 'JUMPERS' },
    status: 400,
    field: 'items',
    rule: 'type',
  },
  { name: 'lower-case sku', payload: withItem({ sku: 'jumpers' }), status: 400, field: 'items[0].sku' },
  {
    name: 'empty payment token',
    payload: { ...valid, payment: { token: '' } },
    status: 400,
    field: 'payment.token',
  },
  {
    name: 'a total beyond 2^53 - 1 minor units',
    payload: { ...valid, items: Array(10).fill({ sku: 'YACHTS', quantity: 10_000, unitPrice: 1e12 }) },
    status: 400,
    field: 'items',
    rule: 'maxTotal',
  },
  { name: 'a body over 256 KiB', payload: { ...valid, padding: 'x'.repeat(300_000) }, status: 413 },
  { name: 'a JSON array instead of an object', payload: [valid], status: 400 },
];

describe('POST /api/v1/orders refuses malformed bodies with a problem naming the field, writing nothing', () => {
  for (const bad of badBodies) {
    test(`${bad.name} → ${bad.status}${bad.field === undefined ? '' : ` naming ${bad.field}`}`, async (t) => {
      const { app } = await givenInstance(db, t);
      const before = { orders: await countRows(db, 'orders'), items: await countRows(db, 'order_items') };
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        payload: bad.payload as object,
        headers: await asCustomer(valid.customerId, { 'idempotency-key': `bad-${randomUUID()}` }),
      });

      assert.equal(response.statusCode, bad.status, response.body);
      const problem = problemOf(response);
      if (bad.field !== undefined) {
        const fields = problem.errors.map((e) => e.field);
        assert.ok(fields.includes(bad.field), `${JSON.stringify(problem.errors)} names ${bad.field}`);
      }
      if (bad.rule !== undefined)
        assert.ok(
          problem.errors.some((e) => e.rule === bad.rule),
          response.body,
        );
      assert.equal(await countRows(db, 'orders'), before.orders);
      assert.equal(await countRows(db, 'order_items'), before.items);
      const keys = await db.pool.query("SELECT count(*)::int AS n FROM idempotency WHERE key LIKE 'bad-%'");
      assert.equal(keys.rows[0]?.n, 0);
    });
  }

  test('a body that is not JSON is a 400 MALFORMED_REQUEST', async (t) => {
    const { app } = await givenInstance(db, t);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: await asCustomer(valid.customerId, { 'content-type': 'application/json' }),
      payload: '{"customerId": ',
    });
    assert.equal(response.statusCode, 400);
    assert.equal(problemOf(response).code, 'MALFORMED_REQUEST');
  });
});

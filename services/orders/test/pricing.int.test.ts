import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { PlacedOrderRequest } from '@microshop/contracts';
import { problemDetailsSchema } from '@microshop/platform';
import { outboxInsertsDuring, type TestSchema } from '@microshop/platform/testing';
import {
  asCustomer,
  countRows,
  givenCatalogPrice,
  givenInstance,
  givenOrdersSchema,
  givenPayments,
  orderRequest,
  testCatalog,
} from './support.ts';

// Prices are the catalog's: POST /api/v1/orders prices every line from the service's copy of the
// catalog; a stated price that differs is a 409 and an unknown sku a 400, at once and with nothing
// written; the card token goes to payments and nowhere else.

const db = await givenOrdersSchema('orders_pricing');

/** Places `payload` as its customer, signed in. */
async function post(
  app: Awaited<ReturnType<typeof givenInstance>>['app'],
  payload: PlacedOrderRequest,
  key?: string,
) {
  const headers = await asCustomer(payload.customerId, key === undefined ? {} : { 'idempotency-key': key });
  return app.inject({ method: 'POST', url: '/api/v1/orders', payload, headers });
}

/** What a refused order must have left untouched: orders, lines, keys, card tokens sent to payments. */
async function writes(schema: TestSchema) {
  return {
    orders: await countRows(schema, 'orders'),
    items: await countRows(schema, 'order_items'),
    keys: await countRows(schema, 'idempotency'),
    cardTokensHandedOver: (await givenPayments()).tokens.size,
  };
}

describe('prices are the catalog’s', () => {
  test('lines without a unitPrice get the catalog’s, and the total follows', async (t) => {
    const { app } = await givenInstance(db, t);
    const body = orderRequest({
      items: [
        { sku: 'JUMPERS', quantity: 3 },
        { sku: 'STOCKINGS', quantity: 1 },
      ],
    });

    const response = await post(app, body);

    assert.equal(response.statusCode, 201, response.body);
    assert.deepEqual(response.json().items, [
      { sku: 'JUMPERS', quantity: 3, unitPrice: testCatalog.JUMPERS },
      { sku: 'STOCKINGS', quantity: 1, unitPrice: testCatalog.STOCKINGS },
    ]);
    assert.equal(response.json().total, 3 * testCatalog.JUMPERS + testCatalog.STOCKINGS);
  });

  test('a unitPrice other than the catalog’s is a 409 naming the sku and both prices, writing nothing', async (t) => {
    const { app } = await givenInstance(db, t);
    const before = await writes(db);
    let response: Awaited<ReturnType<typeof post>> | undefined;
    const inserts = await outboxInsertsDuring(db, async () => {
      const items = [
        { sku: 'STOCKINGS', quantity: 1, unitPrice: testCatalog.STOCKINGS },
        { sku: 'JUMPERS', quantity: 2, unitPrice: 1 },
      ];
      response = await post(app, orderRequest({ items }), `cheap-${randomUUID()}`);
    });
    assert.ok(response !== undefined);

    assert.equal(response.statusCode, 409, response.body);
    const problem = problemDetailsSchema.parse(response.json());
    assert.equal(problem.code, 'CONFLICT');
    assert.deepEqual(problem.errors, [
      {
        field: 'items[1].unitPrice',
        rule: 'catalogPrice',
        message: 'JUMPERS costs 2500 in the catalog, not 1',
      },
    ]);
    assert.match(problem.detail, /JUMPERS: the order says 1, the catalog 2500/);
    assert.deepEqual(await writes(db), before);
    assert.deepEqual(inserts, []);
  });

  test('an unknown sku is a 400 naming items[i].sku, writing nothing', async (t) => {
    const { app } = await givenInstance(db, t);
    const before = await writes(db);

    const response = await post(
      app,
      orderRequest({
        items: [
          { sku: 'JUMPERS', quantity: 1 },
          { sku: 'NO-SUCH-THING', quantity: 1 },
        ],
      }),
    );

    assert.equal(response.statusCode, 400, response.body);
    const problem = problemDetailsSchema.parse(response.json());
    assert.deepEqual(
      problem.errors.map((e) => [e.field, e.rule]),
      [['items[1].sku', 'catalog']],
    );
    assert.deepEqual(await writes(db), before);
  });

  test('a replay of a key answers its first order even after the catalog price changed', async (t) => {
    const { app } = await givenInstance(db, t);
    const sku = `HATS-${randomUUID().slice(0, 8)}`.toUpperCase();
    await givenCatalogPrice(db, sku, 700);
    const body = orderRequest({ items: [{ sku, quantity: 1, unitPrice: 700 }] });
    const key = `replay-${randomUUID()}`;
    const first = await post(app, body, key);

    await givenCatalogPrice(db, sku, 900);
    const replay = await post(app, body, key);
    const fresh = await post(app, body);

    assert.deepEqual([first.statusCode, replay.statusCode, fresh.statusCode], [201, 200, 409]);
    assert.deepEqual(replay.json(), first.json());
  });
});

describe('the card token', () => {
  test('goes to payments only: the order carries a reference, the same one on an idempotent replay', async (t) => {
    const { app } = await givenInstance(db, t);
    const token = `tok_visa_${randomUUID()}`;
    const body = orderRequest({ payment: { token } });
    const key = `card-${randomUUID()}`;
    let first: Awaited<ReturnType<typeof post>> | undefined;
    const inserts = await outboxInsertsDuring(db, async () => {
      first = await post(app, body, key);
    });
    const replay = await post(app, body, key);

    assert.deepEqual([first?.statusCode, replay.statusCode], [201, 200]);
    const { reference } = (inserts[0]?.payload.payment ?? {}) as { reference?: string };
    assert.match(String(reference), /^pm_/);
    assert.equal((await givenPayments()).tokens.get(String(reference)), token, 'payments got it');
    const everything = await db.pool.query(
      `SELECT string_agg(t::text, ' ') AS text FROM (
         SELECT o::text AS t FROM orders o UNION ALL SELECT i::text FROM order_items i
         UNION ALL SELECT k::text FROM idempotency k UNION ALL SELECT h::text FROM order_status_history h) rows`,
    );
    assert.equal(
      String(everything.rows[0]?.text).includes(token),
      false,
      'the token is in the orders schema',
    );
    assert.equal(JSON.stringify(inserts).includes(token), false, 'the token is in the outbox');
  });
});

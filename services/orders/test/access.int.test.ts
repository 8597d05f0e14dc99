import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { problemDetailsSchema } from '@microshop/platform';
import {
  asCustomer,
  asOperator,
  countRows,
  givenInstance,
  givenOrdersSchema,
  orderRequest,
  placeOrder,
} from './support.ts';

// Who may place, read, wait for and cancel which order: the signed-in customer their own, operators
// any; everyone else learns nothing, not even whether an order exists.

const db = await givenOrdersSchema('orders_access');

type Injected = { statusCode: number; body: string };

/** The problem without its request id, which differs per request. */
function comparable(response: Injected) {
  const { instance: _instance, ...rest } = problemDetailsSchema.parse(JSON.parse(response.body));
  return { ...rest, detail: rest.detail.replace(/[0-9a-f-]{36}/, '<id>') };
}

describe('POST /api/v1/orders', () => {
  test('needs a customer: 401 without a token, 403 for an operator, and nothing is written', async (t) => {
    const { app } = await givenInstance(db, t);
    const before = await countRows(db, 'orders');
    const payload = orderRequest();
    const anonymous = await app.inject({ method: 'POST', url: '/api/v1/orders', payload });
    const operator = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      payload,
      headers: asOperator,
    });

    assert.deepEqual([anonymous.statusCode, operator.statusCode], [401, 403]);
    assert.equal(await countRows(db, 'orders'), before);
  });

  test("the customer is the token's: another customerId in the body is a 403; none at all is the token's", async (t) => {
    const { app } = await givenInstance(db, t);
    const customer = randomUUID();
    const headers = await asCustomer(customer);
    const before = await countRows(db, 'orders');
    const someoneElse = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      payload: orderRequest(),
      headers,
    });
    assert.equal(someoneElse.statusCode, 403);
    assert.deepEqual(
      problemDetailsSchema.parse(someoneElse.json()).errors.map((error) => error.field),
      ['customerId'],
    );
    assert.equal(await countRows(db, 'orders'), before);

    const { customerId: _left, ...withoutCustomer } = orderRequest();
    const own = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      payload: withoutCustomer,
      headers,
    });
    assert.equal(own.statusCode, 201, own.body);
    assert.equal(own.json().customerId, customer);
  });

  test("an Idempotency-Key is the customer's own: another customer's order with the same key is a new order", async (t) => {
    const { app } = await givenInstance(db, t);
    const key = `shared-${randomUUID()}`;
    const mine = orderRequest();
    const theirs = orderRequest({ currency: 'USD' });
    const post = async (body: typeof mine) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        payload: body,
        headers: await asCustomer(body.customerId, { 'idempotency-key': key }),
      });

    const first = await post(theirs);
    const second = await post(mine);
    assert.deepEqual([first.statusCode, second.statusCode], [201, 201], second.body);
    assert.notEqual(first.json().id, second.json().id);
  });
});

describe("another customer's order", () => {
  test('reads, waits for and cancels like an order that does not exist (404); its customer and operators reach it', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const stranger = await asCustomer(randomUUID());
    const as = (headers: Record<string, string>, id: string) => [
      app.inject({ method: 'GET', url: `/api/v1/orders/${id}`, headers }),
      app.inject({ method: 'GET', url: `/api/v1/orders/${id}?waitFor=SHIPPED&timeout=5000`, headers }),
      app.inject({ method: 'POST', url: `/api/v1/orders/${id}/cancel`, headers }),
    ];

    const theirs = await Promise.all(as(stranger, order.id));
    const missing = await Promise.all(as(stranger, randomUUID()));
    assert.deepEqual(theirs.map(comparable), missing.map(comparable));
    assert.deepEqual(
      theirs.map((answer) => answer.statusCode),
      [404, 404, 404],
    );

    const own = await app.inject({
      method: 'GET',
      url: `/api/v1/orders/${order.id}`,
      headers: await asCustomer(order.customerId),
    });
    assert.deepEqual([own.statusCode, own.json().status], [200, 'CREATED']);
    const operator = await app.inject({
      method: 'POST',
      url: `/api/v1/orders/${order.id}/cancel`,
      headers: asOperator,
    });
    assert.deepEqual([operator.statusCode, operator.json().status], [202, 'CANCELLED']);
  });
});

describe('blocking GETs per caller', () => {
  test('beyond the cap a caller gets 429 at once; another caller still waits', async (t) => {
    const { app, waiters } = await givenInstance(db, t, { waitsPerPrincipal: 2 });
    const order = await placeOrder(app);
    const headers = await asCustomer(order.customerId);
    const wait = (as: Record<string, string>) =>
      app.inject({
        method: 'GET',
        url: `/api/v1/orders/${order.id}?waitFor=SHIPPED&timeout=1500`,
        headers: as,
      });

    const waiting = [wait(headers), wait(headers)];
    while (waiters.size < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const third = await wait(headers);
    assert.equal(third.statusCode, 429);
    assert.equal(problemDetailsSchema.parse(third.json()).code, 'RATE_LIMITED');
    const operator = wait(asOperator);

    const answers = await Promise.all([...waiting, operator]);
    assert.deepEqual(
      answers.map((answer) => answer.statusCode),
      [504, 504, 504],
    );
    assert.equal((await wait(headers)).statusCode, 504, 'places are given back');
  });
});

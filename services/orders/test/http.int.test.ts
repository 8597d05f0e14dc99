import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { orderSchema } from '@microshop/contracts';
import { problemDetailsSchema } from '@microshop/platform';
import { outboxInsertsDuring } from '@microshop/platform/testing';
import {
  asCustomer,
  asOperator,
  changeDirectly,
  countRows,
  dispatched,
  givenInstance,
  givenOrdersSchema,
  orderRequest,
  paymentSucceeded,
  placeOrder,
  validated,
} from './support.ts';

const db = await givenOrdersSchema('orders_http');

function problemOf(response: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/, response.body);
  return problemDetailsSchema.parse(JSON.parse(response.body));
}

describe('POST /api/v1/orders', () => {
  test('creates the order as CREATED and answers 201 with its Location, without the payment token', async (t) => {
    const { app } = await givenInstance(db, t);
    const body = orderRequest();
    const headers = await asCustomer(body.customerId);
    const response = await app.inject({ method: 'POST', url: '/api/v1/orders', payload: body, headers });

    assert.equal(response.statusCode, 201);
    const order = orderSchema.parse(response.json());
    assert.equal(response.headers.location, `/api/v1/orders/${order.id}`);
    assert.equal(order.status, 'CREATED');
    assert.equal(order.customerId, body.customerId);
    assert.deepEqual(order.items, body.items);
    assert.equal(order.total, 2 * 2500 + 999);
    assert.deepEqual(order.reasons, []);
    assert.ok(!response.body.includes('tok_success'), 'the payment token never leaves in an order');
    const history = await db.pool.query('SELECT status FROM order_status_history WHERE order_id = $1', [
      order.id,
    ]);
    assert.deepEqual(
      history.rows.map((row) => row.status),
      ['CREATED'],
    );
  });

  test('writes OrderCreated to the outbox in the same transaction, keyed by the customer id', async (t) => {
    const { app } = await givenInstance(db, t);
    const body = orderRequest();
    let orderId = '';
    const inserts = await outboxInsertsDuring(db, async () => {
      orderId = (await placeOrder(app, body)).id;
    });

    assert.equal(inserts.length, 1);
    const line = inserts[0]?.line ?? '';
    assert.ok(line.includes("aggregatetype[text]:'microshop.order-outbox'"), line);
    assert.ok(line.includes(`aggregateid[text]:'${body.customerId}'`), line);
    assert.ok(line.includes("type[text]:'OrderCreated'"), line);
    const payload = inserts[0]?.payload ?? {};
    assert.equal(payload.type, 'OrderCreated');
    assert.equal(payload.orderId, orderId);
    const { reference } = payload.payment as { reference: string };
    assert.match(reference, /^pm_/, 'payments looks the card token up by its reference to charge');
    assert.ok(!JSON.stringify(payload).includes('tok_success'), 'the card token never reaches the outbox');
    assert.equal((payload.order as { status: string }).status, 'CREATED');
    const kept = await db.pool.query('SELECT type FROM outbox WHERE id = $1', [payload.id]);
    assert.deepEqual(
      kept.rows,
      [{ type: 'OrderCreated' }],
      'the row is kept, to be streamed again if need be',
    );
  });

  test('the same Idempotency-Key with the same body answers 200 with the same order and creates nothing', async (t) => {
    const { app } = await givenInstance(db, t);
    const body = orderRequest();
    const headers = await asCustomer(body.customerId, { 'idempotency-key': `key-${randomUUID()}` });
    const first = await app.inject({ method: 'POST', url: '/api/v1/orders', payload: body, headers });
    const before = await countRows(db, 'orders');
    // Key order in the JSON does not matter, only its content.
    const reordered = {
      payment: body.payment,
      currency: body.currency,
      items: body.items,
      customerId: body.customerId,
    };
    const replay = await app.inject({ method: 'POST', url: '/api/v1/orders', payload: reordered, headers });

    assert.equal(first.statusCode, 201);
    assert.equal(replay.statusCode, 200);
    assert.deepEqual(replay.json(), first.json());
    assert.equal(replay.headers.location, first.headers.location);
    assert.equal(await countRows(db, 'orders'), before);
  });

  test('the same Idempotency-Key with another body is a 422 IDEMPOTENCY_KEY_REUSED', async (t) => {
    const { app } = await givenInstance(db, t);
    const body = orderRequest();
    const headers = await asCustomer(body.customerId, { 'idempotency-key': `key-${randomUUID()}` });
    await app.inject({ method: 'POST', url: '/api/v1/orders', payload: body, headers });
    const other = { ...body, currency: 'USD' };
    const before = await countRows(db, 'orders');
    const response = await app.inject({ method: 'POST', url: '/api/v1/orders', payload: other, headers });

    assert.equal(response.statusCode, 422);
    assert.equal(problemOf(response).code, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal(await countRows(db, 'orders'), before);
  });

  test('two concurrent requests with one Idempotency-Key create exactly one order', async (t) => {
    const { app } = await givenInstance(db, t);
    const key = `key-${randomUUID()}`;
    const body = orderRequest();
    const headers = await asCustomer(body.customerId, { 'idempotency-key': key });
    const send = () => app.inject({ method: 'POST', url: '/api/v1/orders', payload: body, headers });
    const answers = await Promise.all([send(), send(), send(), send()]);

    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 200, 200, 201]);
    assert.equal(new Set(answers.map((a) => a.json().id)).size, 1);
    const rows = await db.pool.query('SELECT count(*)::int AS n FROM orders WHERE customer_id = $1', [
      body.customerId,
    ]);
    assert.equal(rows.rows[0]?.n, 1);
  });

  test('an Idempotency-Key with characters outside visible ASCII is a 400 naming the header', async (t) => {
    const { app } = await givenInstance(db, t);
    const body = orderRequest();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      payload: body,
      headers: await asCustomer(body.customerId, { 'idempotency-key': 'has space' }),
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(
      problemOf(response).errors.map((e) => e.field),
      ['Idempotency-Key'],
    );
  });
});

describe('GET /api/v1/orders/{id}', () => {
  test('answers 200 with the order as stored', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const headers = await asCustomer(order.customerId);
    const response = await app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), order);
  });

  test('an unknown order is a 404 problem', async (t) => {
    const { app } = await givenInstance(db, t);
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/orders/${randomUUID()}`,
      headers: asOperator,
    });
    assert.equal(response.statusCode, 404);
    assert.equal(problemOf(response).code, 'NOT_FOUND');
  });

  test('an id that is not a uuid is a 400 naming id', async (t) => {
    const { app } = await givenInstance(db, t);
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/orders/not-a-uuid',
      headers: asOperator,
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(
      problemOf(response).errors.map((e) => e.field),
      ['id'],
    );
  });
});

describe('POST /api/v1/orders/{id}/cancel', () => {
  test('cancels a CREATED order with 202 and writes OrderCancelled to the outbox', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const headers = await asCustomer(order.customerId);
    let response: Awaited<ReturnType<typeof app.inject>> | undefined;
    const inserts = await outboxInsertsDuring(db, async () => {
      response = await app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/cancel`, headers });
    });
    assert.ok(response !== undefined);

    assert.equal(response.statusCode, 202);
    assert.equal(response.json().status, 'CANCELLED');
    assert.equal(inserts.length, 1);
    const payload = inserts[0]?.payload ?? {};
    assert.equal(payload.type, 'OrderCancelled');
    assert.equal(payload.orderId, order.id);
    assert.equal((payload.order as { status: string }).status, 'CANCELLED');
  });

  test('cancelling twice answers 202 both times and records one change', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const headers = await asCustomer(order.customerId);
    const first = await app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/cancel`, headers });
    const second = await app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/cancel`, headers });

    assert.equal(first.statusCode, 202);
    assert.equal(second.statusCode, 202);
    assert.deepEqual(second.json(), first.json());
    const history = await db.pool.query(
      'SELECT status FROM order_status_history WHERE order_id = $1 ORDER BY seq',
      [order.id],
    );
    assert.deepEqual(
      history.rows.map((row) => row.status),
      ['CREATED', 'CANCELLED'],
    );
  });

  test('an empty JSON body (a client that always sends Content-Type) is accepted', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/orders/${order.id}/cancel`,
      headers: await asCustomer(order.customerId, { 'content-type': 'application/json' }),
    });
    assert.equal(response.statusCode, 202, response.body);
  });

  test('a SHIPPED order is no longer cancellable: 409 INVALID_TRANSITION saying from and to', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    for (const command of [validated(order.id), paymentSucceeded(order.id), dispatched(order.id)]) {
      await changeDirectly(db, command);
    }
    const headers = await asCustomer(order.customerId);
    const response = await app.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/cancel`, headers });

    assert.equal(response.statusCode, 409);
    const problem = problemOf(response);
    assert.equal(problem.code, 'INVALID_TRANSITION');
    assert.match(problem.detail, /cannot change from SHIPPED to CANCELLED/);
    const current = await app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers });
    assert.equal(current.json().status, 'SHIPPED');
  });

  test('cancelling an unknown order is a 404', async (t) => {
    const { app } = await givenInstance(db, t);
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/orders/${randomUUID()}/cancel`,
      headers: asOperator,
    });
    assert.equal(response.statusCode, 404);
    assert.equal(problemOf(response).code, 'NOT_FOUND');
  });
});

describe('GET /openapi.json', () => {
  test('documents every orders route with its answers', async (t) => {
    const { app } = await givenInstance(db, t);
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const paths = document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;

    assert.deepEqual(Object.keys(paths['/api/v1/orders']?.post?.responses ?? {}).sort(), [
      '200',
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '415',
      '422',
      '503',
    ]);
    assert.ok(paths['/api/v1/orders/{id}']?.get?.responses['504']);
    assert.ok(paths['/api/v1/orders/{id}/cancel']?.post?.responses['409']);
  });
});

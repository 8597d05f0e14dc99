import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { orderSchema } from '@microshop/contracts';
import { AppError, asMessageHandler, handleTransactionally, problemDetailsSchema } from '@microshop/platform';
import { z } from 'zod';
import { projectOrders, projectOrdersMeasured } from '../src/handlers/order-events.ts';
import { consumed, orderEvent, orderHistory } from './fixtures.ts';
import {
  asOperator,
  handlerContext,
  httpApp,
  issuer,
  logger,
  migratedSchema,
  orderEventHandler,
} from './harness.ts';

const db = await migratedSchema('order_background_projection');
const app = await httpApp(db);
after(() => app.close());
const consumer = 'order-background';
const handle = orderEventHandler(db.pool, consumer);

async function deliver(...events: Parameters<typeof consumed>[0][]): Promise<void> {
  for (const event of events) await handle(consumed(event), handlerContext());
}

/** Read as an operator unless `headers` say who else. */
async function get(url: string, headers: Record<string, string> = asOperator) {
  const response = await app.inject({ method: 'GET', url, headers });
  return {
    status: response.statusCode,
    type: String(response.headers['content-type']),
    body: response.json(),
  };
}

async function pendingDeadlines(orderId: string): Promise<string[]> {
  const result = await db.pool.query(
    'SELECT status FROM order_deadlines WHERE order_id = $1 AND expiry_sent_at IS NULL ORDER BY status',
    [orderId],
  );
  return result.rows.map((row) => row.status);
}

describe('order timeline', () => {
  test("an order's status events become its timeline, served oldest first with times and reasons", async () => {
    const events = orderHistory(['CREATED', 'VALIDATED', 'FAILED'], { reasons: ['TIMEOUT'] });
    await deliver(...events);
    const [created, validated, failed] = events;
    assert.ok(created && validated && failed);

    const answer = await get(`/api/v1/orders/${created.orderId}/timeline`);

    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, {
      orderId: created.orderId,
      customerId: created.customerId,
      timeline: [
        { status: 'CREATED', at: created.order.updatedAt, reasons: [] },
        { status: 'VALIDATED', at: validated.order.updatedAt, reasons: [] },
        { status: 'FAILED', at: failed.order.updatedAt, reasons: ['TIMEOUT'] },
      ],
    });
    assert.deepEqual(await pendingDeadlines(created.orderId), []);
  });

  test('a redelivered event is applied once and recorded once in the inbox', async () => {
    const [created, validated] = orderHistory(['CREATED', 'VALIDATED']);
    assert.ok(created && validated);
    await deliver(created, validated);

    const again = await handleTransactionally(
      projectOrders,
      { pool: db.pool, consumer },
      consumed(created),
      logger,
    );

    assert.equal(again, 'skipped');
    const timeline = await get(`/api/v1/orders/${created.orderId}/timeline`);
    assert.deepEqual(
      timeline.body.timeline.map((entry: { status: string }) => entry.status),
      ['CREATED', 'VALIDATED'],
    );
    const inbox = await db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [
      created.id,
    ]);
    assert.equal(inbox.rows[0]?.n, 1);
    assert.deepEqual(await pendingDeadlines(created.orderId), ['VALIDATED']);
  });

  test('an older snapshot arriving after a newer one fills the timeline but never replaces the snapshot', async () => {
    const [created, validated, approved] = orderHistory(['CREATED', 'VALIDATED', 'APPROVED']);
    assert.ok(created && validated && approved);

    await deliver(approved, created, validated);

    const history = await get(`/api/v1/customers/${created.customerId}/orders`);
    assert.deepEqual(
      history.body.orders.map((order: { status: string }) => order.status),
      ['APPROVED'],
    );
    const timeline = await get(`/api/v1/orders/${created.orderId}/timeline`);
    assert.deepEqual(
      timeline.body.timeline.map((entry: { status: string }) => entry.status),
      ['CREATED', 'VALIDATED', 'APPROVED'],
    );
    assert.deepEqual(
      await pendingDeadlines(created.orderId),
      ['APPROVED'],
      'a late CREATED or VALIDATED must not reopen its deadline',
    );
  });

  test('an unknown order is a 404 problem and a malformed id a 400 naming "id"', async () => {
    const unknown = await get(`/api/v1/orders/${randomUUID()}/timeline`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.type, /^application\/problem\+json/);
    assert.equal(problemDetailsSchema.parse(unknown.body).code, 'NOT_FOUND');

    const malformed = await get('/api/v1/orders/not-a-uuid/timeline');
    assert.equal(malformed.status, 400);
    assert.match(malformed.type, /^application\/problem\+json/);
    assert.deepEqual(
      problemDetailsSchema.parse(malformed.body).errors.map((error) => error.field),
      ['id'],
    );
  });
});

describe('customer order history', () => {
  const customerId = randomUUID();
  const placed = (minute: number) => new Date(`2025-03-02T10:0${minute}:00.000Z`);
  const first = orderEvent('CREATED', { customerId, at: placed(1) });
  const second = orderEvent('CREATED', { customerId, at: placed(2) });
  const third = orderEvent('CREATED', { customerId, at: placed(3) });
  const secondApproved = orderEvent('APPROVED', {
    customerId,
    orderId: second.orderId,
    createdAt: placed(2),
    at: placed(4),
  });

  test("lists the latest snapshot of each of the customer's orders, newest order first", async () => {
    await deliver(second, first, third, secondApproved);

    const answer = await get(`/api/v1/customers/${customerId}/orders`);

    assert.equal(answer.status, 200);
    assert.equal(answer.body.customerId, customerId);
    const orders = z.array(orderSchema).parse(answer.body.orders);
    assert.deepEqual(
      orders.map((order) => [order.id, order.status]),
      [
        [third.orderId, 'CREATED'],
        [second.orderId, 'APPROVED'],
        [first.orderId, 'CREATED'],
      ],
    );
    assert.deepEqual(orders[1], secondApproved.order);
  });

  test('limit caps the list and status filters it', async () => {
    const limited = await get(`/api/v1/customers/${customerId}/orders?limit=2`);
    assert.deepEqual(
      limited.body.orders.map((order: { id: string }) => order.id),
      [third.orderId, second.orderId],
    );

    const created = await get(`/api/v1/customers/${customerId}/orders?status=CREATED`);
    assert.deepEqual(
      created.body.orders.map((order: { id: string }) => order.id),
      [third.orderId, first.orderId],
    );
    const either = await get(`/api/v1/customers/${customerId}/orders?status=APPROVED,SHIPPED`);
    assert.deepEqual(
      either.body.orders.map((order: { id: string }) => order.id),
      [second.orderId],
    );
  });

  test('a customer without orders has an empty list', async () => {
    const customer = randomUUID();
    const answer = await get(`/api/v1/customers/${customer}/orders`);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { customerId: customer, orders: [] });
  });

  test('a malformed id, a limit beyond 200 and an unknown status are 400s naming the field', async () => {
    const cases: [string, RegExp][] = [
      ['/api/v1/customers/42/orders', /^id$/],
      [`/api/v1/customers/${customerId}/orders?limit=201`, /^limit$/],
      [`/api/v1/customers/${customerId}/orders?limit=0`, /^limit$/],
      [`/api/v1/customers/${customerId}/orders?status=LOST`, /^status/],
    ];
    for (const [url, field] of cases) {
      const answer = await get(url);
      assert.equal(answer.status, 400, url);
      const fields = problemDetailsSchema.parse(answer.body).errors.map((error) => error.field);
      assert.ok(fields.length > 0 && fields.every((name) => field.test(name)), `${url}: ${fields.join(',')}`);
    }
  });
});

describe('messages that are not usable order events', () => {
  test('an unknown event type is skipped without an inbox row', async () => {
    const value = { id: randomUUID(), type: 'OrderArchived', occurredAt: new Date().toISOString() };
    const message = {
      ...consumed(orderEvent('CREATED')),
      value,
      eventId: value.id,
      headers: { id: value.id },
    };

    await handle(message, handlerContext());

    const inbox = await db.pool.query('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [value.id]);
    assert.equal(inbox.rows[0]?.n, 0);
  });

  test('a known event type that breaks its schema is refused as non-retriable, naming the field', async () => {
    const event = orderEvent('CREATED');
    const message = consumed(event);
    message.value = { ...event, order: { ...event.order, total: -1 } };

    await assert.rejects(handle(message, handlerContext()), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.retriable, false);
      assert.ok(error.fields.some((field) => field.field === 'order.total'));
      return true;
    });
    const answer = await get(`/api/v1/orders/${event.orderId}/timeline`);
    assert.equal(answer.status, 404);
  });
});

test('the OpenAPI document describes every route', async () => {
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  assert.deepEqual(Object.keys(document.paths).sort(), [
    '/api/v1/attention/orders',
    '/api/v1/customers/{id}/orders',
    '/api/v1/order-stats',
    '/api/v1/orders/{id}/timeline',
  ]);
});

describe('who reads a timeline and an order history', () => {
  test("the order's customer and operators; anyone else gets the 404 of an unknown id, and no token a 401", async () => {
    const [created] = orderHistory(['CREATED']);
    assert.ok(created);
    await deliver(created);
    const owner = (await issuer.customer(created.customerId)).headers;
    const stranger = (await issuer.customer()).headers;
    const timeline = `/api/v1/orders/${created.orderId}/timeline`;
    const history = `/api/v1/customers/${created.customerId}/orders`;

    assert.equal((await get(timeline, owner)).status, 200);
    assert.equal((await get(history, owner)).body.orders.length, 1);
    const theirs = [await get(timeline, stranger), await get(history, stranger)];
    const unknown = [
      await get(`/api/v1/orders/${randomUUID()}/timeline`, stranger),
      await get(`/api/v1/customers/${randomUUID()}/orders`, stranger),
    ];
    assert.deepEqual(
      [...theirs, ...unknown].map((answer) => answer.status),
      [404, 404, 404, 404],
    );
    assert.deepEqual(
      theirs.map((answer) => answer.body.detail.replace(/[0-9a-f-]{36}/, '<id>')),
      unknown.map((answer) => answer.body.detail.replace(/[0-9a-f-]{36}/, '<id>')),
    );
    assert.equal((await get(timeline, {})).status, 401);
  });
});

describe('the checkout step durations', () => {
  test("each step's duration is heard once its event is projected, from the order's own timeline", async () => {
    const heard: [string, string, number][] = [];
    const measured = asMessageHandler(
      projectOrdersMeasured((from, to, seconds) => heard.push([from, to, seconds])),
      { pool: db.pool, consumer: 'order-background-steps' },
    );
    const history = orderHistory(['CREATED', 'VALIDATED', 'APPROVED', 'SHIPPED', 'FAILED']);
    for (const event of history) await measured(consumed(event), handlerContext());

    // The fixture's statuses are a second apart; FAILED starts no step of its own.
    assert.deepEqual(heard, [
      ['CREATED', 'VALIDATED', 1],
      ['VALIDATED', 'APPROVED', 1],
      ['APPROVED', 'SHIPPED', 1],
    ]);
  });
});

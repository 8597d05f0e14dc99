import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { Order } from '@microshop/contracts';
import type { HttpApp } from '@microshop/platform';
import { problemDetailsSchema } from '@microshop/platform';
import {
  asCustomer,
  changeDirectly,
  givenInstance,
  givenOrdersSchema,
  paymentFailed,
  paymentSucceeded,
  placeOrder,
  validated,
} from './support.ts';

const db = await givenOrdersSchema('orders_wait');

/** The blocking GET, as the order's customer. */
async function waitGet(app: HttpApp, order: Pick<Order, 'id' | 'customerId'>, query: string) {
  const headers = await asCustomer(order.customerId);
  const started = performance.now();
  const response = await app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}?${query}`, headers });
  return { response, elapsedMs: performance.now() - started };
}

function problemOf(body: string) {
  return problemDetailsSchema.parse(JSON.parse(body));
}

/** Polls a test-side condition (not the code under test) until it holds. */
async function eventually(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(5);
  }
}

describe('GET /api/v1/orders/{id}?waitFor=…', () => {
  test('answers at once for a status the order passed through earlier, with its current state', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    await changeDirectly(db, validated(order.id));
    await changeDirectly(db, paymentSucceeded(order.id));

    const { response, elapsedMs } = await waitGet(app, order, 'waitFor=VALIDATED&timeout=5000');
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().status, 'APPROVED');
    assert.ok(elapsedMs < 1_000, `answered after ${elapsedMs} ms`);
  });

  test('answers as soon as another transaction changes the order, well before the timeout', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const waiting = waitGet(app, order, 'waitFor=approved,validated&timeout=10000');
    await delay(200);
    await changeDirectly(db, validated(order.id));

    const { response, elapsedMs } = await waiting;
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().status, 'VALIDATED');
    assert.ok(elapsedMs < 2_000, `answered after ${elapsedMs} ms`);
  });

  test('answers 504 TIMEOUT when the order does not get there in time', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const { response, elapsedMs } = await waitGet(app, order, 'waitFor=SHIPPED&timeout=300');

    assert.equal(response.statusCode, 504);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    const problem = problemOf(response.body);
    assert.equal(problem.code, 'TIMEOUT');
    assert.match(problem.detail, /did not reach SHIPPED within 300 ms \(it is CREATED\)/);
    assert.ok(elapsedMs >= 290 && elapsedMs < 3_000, `answered after ${elapsedMs} ms`);
  });

  test('caps the timeout at the configured maximum', async (t) => {
    const { app } = await givenInstance(db, t, { wait: { defaultMs: 10_000, maxMs: 200 } });
    const order = await placeOrder(app);
    const { response, elapsedMs } = await waitGet(app, order, 'waitFor=SHIPPED&timeout=60000');
    assert.equal(response.statusCode, 504);
    assert.ok(elapsedMs < 3_000, `answered after ${elapsedMs} ms`);
  });

  test('answers 504 at once when the order can no longer reach any wanted status', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    await changeDirectly(db, paymentFailed(order.id));
    const { response, elapsedMs } = await waitGet(app, order, 'waitFor=SHIPPED&timeout=10000');

    assert.equal(response.statusCode, 504);
    assert.match(problemOf(response.body).detail, /is FAILED and can no longer reach SHIPPED/);
    assert.ok(elapsedMs < 1_000, `answered after ${elapsedMs} ms`);
  });

  test('stops waiting when the order fails while the request waits for it to ship', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const waiting = waitGet(app, order, 'waitFor=SHIPPED&timeout=10000');
    await delay(100);
    await changeDirectly(db, paymentFailed(order.id));
    const { response, elapsedMs } = await waiting;
    assert.equal(response.statusCode, 504);
    assert.ok(elapsedMs < 2_000, `answered after ${elapsedMs} ms`);
  });

  test('an unknown order is a 404, bad waitFor or timeout a 400 naming the parameter', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const unknown = await waitGet(
      app,
      { id: randomUUID(), customerId: randomUUID() },
      'waitFor=SHIPPED&timeout=1000',
    );
    assert.equal(unknown.response.statusCode, 404);
    const badStatus = await waitGet(app, order, 'waitFor=SHIPPED,LOST');
    assert.equal(badStatus.response.statusCode, 400);
    assert.deepEqual(
      problemOf(badStatus.response.body).errors.map((e) => e.field),
      ['waitFor'],
    );
    const badTimeout = await waitGet(app, order, 'waitFor=SHIPPED&timeout=-5');
    assert.equal(badTimeout.response.statusCode, 400);
    assert.deepEqual(
      problemOf(badTimeout.response.body).errors.map((e) => e.field),
      ['timeout'],
    );
  });

  test('a waiter on one instance is woken by a change made through another instance', async (t) => {
    const a = await givenInstance(db, t);
    const b = await givenInstance(db, t);
    const order = await placeOrder(a.app);
    const waiting = waitGet(a.app, order, 'waitFor=CANCELLED&timeout=10000');
    await eventually(() => a.waiters.size === 1);
    const cancelled = await b.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${order.id}/cancel`,
      headers: await asCustomer(order.customerId),
    });
    assert.equal(cancelled.statusCode, 202);

    const { response, elapsedMs } = await waiting;
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().status, 'CANCELLED');
    assert.ok(elapsedMs < 2_000, `answered after ${elapsedMs} ms`);
  });

  test('ten concurrent waiters on one order are all answered, and none is left registered', async (t) => {
    const { app, waiters: registry } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const waiters = Array.from({ length: 10 }, () => waitGet(app, order, 'waitFor=VALIDATED&timeout=10000'));
    await eventually(() => registry.size === 10);
    await changeDirectly(db, validated(order.id));

    const answers = await Promise.all(waiters);
    assert.deepEqual(
      answers.map((a) => a.response.statusCode),
      Array(10).fill(200),
    );
    assert.equal(registry.size, 0);
  });

  test('waiters that time out are removed from the registry', async (t) => {
    const { app, waiters } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => waitGet(app, order, 'waitFor=DELIVERED&timeout=100')),
    );
    assert.deepEqual(
      answers.map((a) => a.response.statusCode),
      Array(5).fill(504),
    );
    assert.equal(waiters.size, 0);
  });
});

describe('blocking GET lifecycle', () => {
  test('a client that disconnects has its waiter removed at once', async (t) => {
    const { app, waiters } = await givenInstance(db, t);
    const order = await placeOrder(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    assert.ok(address !== null && typeof address === 'object');
    const abort = new AbortController();
    const request = fetch(
      `http://127.0.0.1:${address.port}/api/v1/orders/${order.id}?waitFor=SHIPPED&timeout=10000`,
      { signal: abort.signal, headers: await asCustomer(order.customerId) },
    ).catch(() => 'aborted');
    await eventually(() => waiters.size === 1);
    abort.abort();

    assert.equal(await request, 'aborted');
    await eventually(() => waiters.size === 0, 1_000);
  });

  test('closing the app releases waiting requests with a 503 problem instead of holding shutdown', async (t) => {
    const { app, waiters } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const waiting = waitGet(app, order, 'waitFor=SHIPPED&timeout=10000');
    await eventually(() => waiters.size === 1);
    const closing = performance.now();
    await app.close();

    const { response } = await waiting;
    assert.equal(response.statusCode, 503);
    assert.equal(problemOf(response.body).code, 'UPSTREAM_UNAVAILABLE');
    assert.ok(performance.now() - closing < 2_000);
    assert.equal(waiters.size, 0);
  });

  test('after the LISTEN connection drops, it reconnects and re-checks waiters for changes it missed', async (t) => {
    const { app, waiters, listener, listenerName } = await givenInstance(db, t, {
      reconnect: { initialMs: 600, maxMs: 600 },
    });
    const order = await placeOrder(app);
    const waiting = waitGet(app, order, 'waitFor=VALIDATED&timeout=8000');
    await eventually(() => waiters.size === 1);

    await db.pool.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [listenerName],
    );
    await eventually(() => !listener.connected);
    // Committed while nobody listens: its notification is lost for good.
    await changeDirectly(db, validated(order.id));
    assert.equal(listener.connected, false, 'the change happened while the listener was down');

    const { response, elapsedMs } = await waiting;
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().status, 'VALIDATED');
    assert.ok(elapsedMs < 4_000, `answered after ${elapsedMs} ms`);
    assert.equal(listener.connected, true);
    await listener.check();
  });
});

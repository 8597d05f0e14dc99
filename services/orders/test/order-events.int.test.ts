import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { HttpApp } from '@microshop/platform';
import {
  asCustomer,
  changeDirectly,
  givenInstance,
  givenOrdersSchema,
  paymentFailed,
  placeOrder,
  validated,
} from './support.ts';

// GET /api/v1/orders/{id}/events: the storefront's live order page. The order at once, each change
// as it commits (woken by the LISTEN connection, as the blocking GET is), `end` after a final status.

const db = await givenOrdersSchema('orders_events');

async function listening(app: HttpApp): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  assert.ok(address !== null && typeof address === 'object');
  return `http://127.0.0.1:${address.port}`;
}

/** Reads events off the stream as they come: the next one within `ms`, or a failure. */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  // A read that lost the race with a deadline is kept for the next call: its chunk is not lost.
  let pending: ReturnType<typeof reader.read> | null = null;
  const field = (block: string, name: string) =>
    block
      .split('\n')
      .find((line) => line.startsWith(`${name}: `))
      ?.slice(name.length + 2) ?? '';
  return async function next(ms = 3_000): Promise<{ event: string; data: Record<string, unknown> } | null> {
    const deadline = Date.now() + ms;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(':')) continue;
        return { event: field(block, 'event'), data: JSON.parse(field(block, 'data')) };
      }
      pending ??= reader.read();
      const late = delay(Math.max(0, deadline - Date.now())).then(() => 'late' as const);
      const chunk = await Promise.race([pending, late]);
      if (chunk === 'late') throw new Error('no event in time');
      pending = null;
      if (chunk.done) return null;
      buffer += chunk.value;
    }
  };
}

describe('GET /api/v1/orders/{id}/events', () => {
  test('streams the order at once, each committed change, then end after a final status', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const origin = await listening(app);
    const response = await fetch(`${origin}/api/v1/orders/${order.id}/events`, {
      headers: await asCustomer(order.customerId),
    });
    assert.equal(response.status, 200);
    assert.match(String(response.headers.get('content-type')), /^text\/event-stream/);
    assert.ok(response.body);
    const next = eventReader(response.body);

    assert.deepEqual(
      [(await next())?.event, (await next(0).catch(() => null)) ?? 'nothing more'],
      ['order', 'nothing more'],
    );
    const started = performance.now();
    await changeDirectly(db, validated(order.id));
    const change = await next();
    assert.equal(change?.data.status, 'VALIDATED');
    assert.ok(performance.now() - started < 1_000, 'the change arrives as it commits');
    await changeDirectly(db, paymentFailed(order.id));
    assert.equal((await next())?.data.status, 'FAILED');
    assert.deepEqual(await next(), { event: 'end', data: { status: 'FAILED' } });
    assert.equal(await next(), null, 'the stream closes');
  });

  test('another customer’s order is a 404 before any stream opens, as an unknown order', async (t) => {
    const { app } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const stranger = await asCustomer(randomUUID());
    const theirs = await app.inject({ url: `/api/v1/orders/${order.id}/events`, headers: stranger });
    const unknown = await app.inject({ url: `/api/v1/orders/${randomUUID()}/events`, headers: stranger });
    assert.deepEqual([theirs.statusCode, unknown.statusCode], [404, 404]);
    assert.equal(theirs.json().code, 'NOT_FOUND');
  });

  test('a client that goes away has its waiter removed', async (t) => {
    const { app, waiters } = await givenInstance(db, t);
    const order = await placeOrder(app);
    const origin = await listening(app);
    const stop = new AbortController();
    const response = await fetch(`${origin}/api/v1/orders/${order.id}/events`, {
      headers: await asCustomer(order.customerId),
      signal: stop.signal,
    });
    assert.equal(response.status, 200);
    assert.equal(waiters.size, 1);
    stop.abort();
    const deadline = Date.now() + 2_000;
    while (waiters.size > 0 && Date.now() < deadline) await delay(10);
    assert.equal(waiters.size, 0);
  });
});

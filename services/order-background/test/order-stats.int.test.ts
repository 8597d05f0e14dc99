import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { OrderStatus } from '@microshop/contracts';
import { problemDetailsSchema } from '@microshop/platform';
import { consumed, orderEvent } from './fixtures.ts';
import { asOperator, handlerContext, httpApp, issuer, migratedSchema, orderEventHandler } from './harness.ts';

// GET /api/v1/order-stats over orders projected by the real consumer into a schema of their own, at
// times chosen so every count and percentile is known.

const db = await migratedSchema('order_background_stats');
const app = await httpApp(db);
after(() => app.close());
const handle = orderEventHandler(db.pool);

const end = new Date('2025-06-01T12:00:00.000Z');
const minutesBefore = (minutes: number) => new Date(end.getTime() - minutes * 60_000);

/** One order through `statuses`, created `minutesAgo` before the end, each later step `stepMs` on. */
async function order(minutesAgo: number, statuses: readonly OrderStatus[], stepMs: number): Promise<void> {
  const created = minutesBefore(minutesAgo);
  const first = orderEvent('CREATED', { at: created });
  for (const [index, status] of statuses.entries()) {
    const at = new Date(created.getTime() + index * stepMs);
    const event = orderEvent(status, {
      orderId: first.orderId,
      customerId: first.customerId,
      createdAt: created,
      at,
    });
    await handle(consumed(event), handlerContext());
  }
}

const path = '/api/v1/order-stats';
const checkout = ['CREATED', 'VALIDATED', 'APPROVED', 'SHIPPED'] as const;
// In the last quarter hour: three orders shipped (steps of 1, 2 and 3 s), one failed, one delivered.
await order(10.5, checkout, 1000);
await order(10.5, checkout, 2000);
await order(5.5, checkout, 3000);
await order(5.5, ['CREATED', 'FAILED'], 500);
await order(2.5, [...checkout, 'DELIVERED'], 1000);
// Half an hour earlier: outside 15 m, inside 1 h.
await order(40.5, ['CREATED', 'VALIDATED'], 1000);

async function stats(query: string) {
  const response = await app.inject({ method: 'GET', url: `${path}${query}`, headers: asOperator });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

describe('GET /api/v1/order-stats', () => {
  test('counts status changes per minute, every minute of the range included', async () => {
    const answer = await stats(`?range=15m&to=${end.toISOString()}`);
    assert.equal(answer.bucketSeconds, 60);
    assert.equal(answer.buckets.length, 15);
    assert.equal(answer.from, minutesBefore(15).toISOString());
    const at = (minutesAgo: number) =>
      answer.buckets.find((b: { at: string }) => b.at === minutesBefore(minutesAgo).toISOString())?.counts;
    assert.deepEqual(at(11), { CREATED: 2, VALIDATED: 2, APPROVED: 2, SHIPPED: 2 });
    assert.deepEqual(at(6), { CREATED: 2, VALIDATED: 1, APPROVED: 1, SHIPPED: 1, FAILED: 1 });
    assert.deepEqual(at(3), { CREATED: 1, VALIDATED: 1, APPROVED: 1, SHIPPED: 1, DELIVERED: 1 });
    assert.deepEqual(at(1), {});
  });

  test('draws the funnel of the orders created in the range, and how many ended badly', async () => {
    const quarter = await stats(`?range=15m&to=${end.toISOString()}`);
    assert.deepEqual(quarter.funnel, [
      { status: 'CREATED', orders: 5 },
      { status: 'VALIDATED', orders: 4 },
      { status: 'APPROVED', orders: 4 },
      { status: 'SHIPPED', orders: 4 },
      { status: 'DELIVERED', orders: 1 },
    ]);
    assert.deepEqual(quarter.ended, { FAILED: 1, CANCELLED: 0 });
    const hour = await stats(`?range=1h&to=${end.toISOString()}`);
    assert.equal(hour.funnel[0].orders, 6);
    assert.equal(hour.funnel[1].orders, 5);
  });

  test('answers p50, p95 and p99 of each step and of POST → SHIPPED', async () => {
    const { latency } = await stats(`?range=15m&to=${end.toISOString()}`);
    const step = (from: string, to: string) =>
      latency.find((l: { from: string; to: string }) => l.from === from && l.to === to);
    // Four orders made CREATED → VALIDATED in 1, 2, 3 and 1 s (interpolated percentiles).
    assert.deepEqual(step('CREATED', 'VALIDATED'), {
      from: 'CREATED',
      to: 'VALIDATED',
      orders: 4,
      p50Ms: 1500,
      p95Ms: 2850,
      p99Ms: 2970,
    });
    assert.deepEqual(step('CREATED', 'SHIPPED'), {
      from: 'CREATED',
      to: 'SHIPPED',
      orders: 4,
      p50Ms: 4500,
      p95Ms: 8550,
      p99Ms: 8910,
    });
    assert.equal(step('SHIPPED', 'DELIVERED').orders, 1);
    const empty = await stats(`?range=15m&to=${minutesBefore(60).toISOString()}`);
    assert.deepEqual(empty.latency[0], {
      from: 'CREATED',
      to: 'VALIDATED',
      orders: 0,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
    });
  });

  test('a day is drawn in quarter hours', async () => {
    const day = await stats(`?range=24h&to=${end.toISOString()}`);
    assert.equal(day.bucketSeconds, 900);
    assert.equal(day.buckets.length, 96);
  });

  test('names the field of a bad range, and is for operators only', async () => {
    const bad = await app.inject({ method: 'GET', url: `${path}?range=2w`, headers: asOperator });
    assert.equal(bad.statusCode, 400);
    assert.ok(problemDetailsSchema.parse(bad.json()).errors.some((e) => e.field === 'range'));
    const customer = (await issuer.customer()).headers;
    assert.equal((await app.inject({ method: 'GET', url: path, headers: customer })).statusCode, 403);
  });
});

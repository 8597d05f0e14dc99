// Placing an order end to end, through the gateway, against the running test stack: the orders service
// writes the order and its outbox row in one transaction, Debezium publishes it to
// microshop.order-outbox keyed by customer id, order-background builds the timeline. Orders that are
// really placed name registered customers (an unknown one would hold a partition of order-details).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { topics } from '@microshop/contracts';
import { collectMessages } from '@microshop/platform/testing';
import pg from 'pg';
import { api, createOrder, eventually, newOrderRequest, type OrderBody } from './lib/api.ts';
import { registerCustomer } from './lib/shop.ts';

async function ordersOfCustomer(customerId: string): Promise<number> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const r = await client.query('select count(*)::int as n from orders.orders where customer_id = $1', [
      customerId,
    ]);
    return r.rows[0].n;
  } finally {
    await client.end();
  }
}

describe('placing an order through the gateway', () => {
  it('answers 201 with Location, publishes OrderCreated keyed by customer and shows it in the timeline', async () => {
    const request = newOrderRequest({ customerId: (await registerCustomer()).id });
    const created = await createOrder(request);
    const order = created.body;
    assert.equal(created.headers.get('location'), `/api/v1/orders/${order.id}`);
    assert.equal(order.status, 'CREATED');
    assert.equal(order.customerId, request.customerId);
    assert.equal(order.total, 2 * 2500 + 999);
    assert.equal(order.currency, 'EUR');
    assert.equal('payment' in order, false, 'the payment token is never echoed');

    const [event] = await collectMessages({
      topic: topics.orderOutbox,
      until: (ms) => ms.some((m) => (m.value as { orderId?: string })?.orderId === order.id),
      timeoutMs: 20_000,
    }).then((ms) => ms.filter((m) => (m.value as { orderId?: string }).orderId === order.id));
    assert.ok(event);
    assert.equal(event.key, request.customerId, 'keyed by the customer id as a plain string');
    assert.equal(event.headers.type, 'OrderCreated');
    const envelope = event.value as Record<string, unknown>;
    assert.equal(event.headers.id, envelope.id, 'the event id is also a header');
    assert.equal(envelope.type, 'OrderCreated');
    assert.equal(envelope.customerId, request.customerId);
    assert.equal(envelope.status, 'CREATED');
    assert.ok(typeof envelope.occurredAt === 'string');
    assert.deepEqual((envelope.order as OrderBody).items, request.items);

    const timeline = await eventually('the order in the timeline', async () => {
      const res = await api<{ timeline: { status: string; at: string }[] }>(
        'GET',
        `/api/v1/orders/${order.id}/timeline`,
      );
      return res.status === 200 ? res.body.timeline : undefined;
    });
    assert.equal(timeline[0]?.status, 'CREATED');

    const history = await eventually('the order in the customer history', async () => {
      const res = await api<{ orders: OrderBody[] }>('GET', `/api/v1/customers/${request.customerId}/orders`);
      return res.body.orders?.length ? res.body.orders : undefined;
    });
    assert.deepEqual(
      history.map((o) => o.id),
      [order.id],
    );
  });

  it('returns the same order for a repeated Idempotency-Key and refuses the key with another body', async () => {
    const key = randomUUID();
    const request = newOrderRequest({ customerId: (await registerCustomer()).id });
    const first = await createOrder(request, { 'idempotency-key': key });
    const replay = await api<OrderBody>('POST', '/api/v1/orders', {
      body: request,
      headers: { 'idempotency-key': key },
    });
    assert.equal(replay.status, 200);
    assert.equal(replay.body.id, first.body.id);
    const other = await api('POST', '/api/v1/orders', {
      body: { ...request, items: [{ sku: 'JUMPERS', quantity: 3, unitPrice: 2500 }] },
      headers: { 'idempotency-key': key },
    });
    assert.equal(other.status, 422);
    assert.match(other.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(await ordersOfCustomer(request.customerId), 1);
  });

  const badBodies: [string, unknown, string][] = [
    ['a missing customerId', { ...newOrderRequest(), customerId: undefined }, 'customerId'],
    ['a customerId that is not a uuid', newOrderRequest({ customerId: 'alice' }), 'customerId'],
    ['no items', newOrderRequest({ items: [] }), 'items'],
    [
      'a zero quantity',
      newOrderRequest({ items: [{ sku: 'JUMPERS', quantity: 0, unitPrice: 100 }] }),
      'items[0].quantity',
    ],
    [
      'a fractional quantity',
      newOrderRequest({ items: [{ sku: 'JUMPERS', quantity: 1.5, unitPrice: 100 }] }),
      'items[0].quantity',
    ],
    [
      'a price in floating point',
      newOrderRequest({ items: [{ sku: 'JUMPERS', quantity: 1, unitPrice: 19.99 }] }),
      'items[0].unitPrice',
    ],
    [
      'a negative price',
      newOrderRequest({ items: [{ sku: 'JUMPERS', quantity: 1, unitPrice: -1 }] }),
      'items[0].unitPrice',
    ],
    ['a currency that is not ISO 4217', newOrderRequest({ currency: 'euro' }), 'currency'],
    ['a missing payment token', newOrderRequest({ payment: {} }), 'payment.token'],
  ];
  for (const [what, body, field] of badBodies) {
    it(`refuses ${what} with a problem naming ${field} and writes nothing`, async () => {
      const customerId = (body as { customerId?: string }).customerId;
      const res = await api<{ status: number; errors?: { field: string }[] }>('POST', '/api/v1/orders', {
        body,
      });
      assert.ok(res.status >= 400 && res.status < 500, `4xx, got ${res.status}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.ok(
        res.body.errors?.some((e) => e.field === field),
        `problem names ${field}: ${JSON.stringify(res.body)}`,
      );
      if (customerId && /^[0-9a-f-]{36}$/.test(customerId))
        assert.equal(await ordersOfCustomer(customerId), 0);
    });
  }

  it('refuses malformed JSON with a 400 problem, not a 5xx', async () => {
    const res = await api('POST', '/api/v1/orders', { rawBody: '{"customerId": ' });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
  });

  it('answers 404 problem for an unknown order and 400 for an id that is not a uuid', async () => {
    const missing = await api('GET', `/api/v1/orders/${randomUUID()}`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /application\/problem\+json/);
    const bad = await api('GET', '/api/v1/orders/not-an-id');
    assert.equal(bad.status, 400);
  });
});

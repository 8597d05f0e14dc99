// The blocking GET across both orders instances, and cancel. Orders are placed by registered
// customers for skus of their own (an unknown customer would hold a partition of order-details).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import { api, eventually, type OrderBody } from './lib/api.ts';
import { newShopper, placeOrder } from './lib/shop.ts';
import { instanceUrls } from './lib/stack.ts';

async function createOrder(options: { token?: string; stock?: number } = {}): Promise<{ body: OrderBody }> {
  const shopper = await newShopper('E2E-WAIT', { stock: options.stock ?? 5 });
  const body = await placeOrder(shopper.customer.id, [shopper.line(1)], { token: options.token });
  return { body };
}

describe('waiting for an order status', () => {
  it('answers at once for a status the order has already reached', async () => {
    const { body: order } = await createOrder();
    const t0 = performance.now();
    const res = await api<OrderBody>('GET', `/api/v1/orders/${order.id}?waitFor=CREATED&timeout=5000`);
    assert.equal(res.status, 200);
    assert.equal(res.body.id, order.id);
    assert.ok(performance.now() - t0 < 2000, 'no waiting for a status already reached');
  });

  it('answers 504 problem when the status is not reached in time', async () => {
    const { body: order } = await createOrder();
    const res = await api<{ status: number }>(
      'GET',
      `/api/v1/orders/${order.id}?waitFor=DELIVERED&timeout=300`,
    );
    assert.equal(res.status, 504);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
  });

  it('wakes a waiter on one instance when the other instance cancels the order', async () => {
    const [first, second] = instanceUrls('orders');
    assert.ok(first && second, 'the test stack runs two orders instances');
    // tok_slow: the charge takes 3 s, so the order is still CREATED or VALIDATED when cancelled.
    const { body: order } = await createOrder({ token: sandboxTokens.slow });
    const waiting = api<OrderBody>('GET', `/api/v1/orders/${order.id}?waitFor=CANCELLED&timeout=20000`, {
      baseUrl: first,
    });
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    const cancel = await api<OrderBody>('POST', `/api/v1/orders/${order.id}/cancel`, { baseUrl: second });
    assert.equal(cancel.status, 202);
    const res = await waiting;
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'CANCELLED');
    assert.ok(performance.now() - t0 < 5000, 'woken by the change, not by the timeout');
  });

  it('refuses with 409 to cancel an order that has FAILED', async () => {
    const { body: order } = await createOrder({ stock: 0 });
    const failed = await api<OrderBody>('GET', `/api/v1/orders/${order.id}?waitFor=FAILED&timeout=20000`);
    assert.equal(failed.status, 200, JSON.stringify(failed.body));
    assert.equal(failed.body.status, 'FAILED');
    const cancel = await api<{ detail: string }>('POST', `/api/v1/orders/${order.id}/cancel`);
    assert.equal(cancel.status, 409);
    assert.match(cancel.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.match(cancel.body.detail, /FAILED/);
  });

  it('cancels a CREATED order with 202, and again with 202', async () => {
    const { body: order } = await createOrder();
    const first = await api<OrderBody>('POST', `/api/v1/orders/${order.id}/cancel`);
    assert.equal(first.status, 202);
    assert.equal(first.body.status, 'CANCELLED');
    const again = await api<OrderBody>('POST', `/api/v1/orders/${order.id}/cancel`);
    assert.equal(again.status, 202);
    const statuses = await eventually('CREATED and CANCELLED in the timeline', async () => {
      const res = await api<{ timeline: { status: string }[] }>('GET', `/api/v1/orders/${order.id}/timeline`);
      const seen = res.status === 200 ? res.body.timeline.map((e) => e.status) : [];
      return seen.includes('CANCELLED') ? seen : undefined;
    });
    assert.deepEqual(statuses, ['CREATED', 'CANCELLED']);
  });
});

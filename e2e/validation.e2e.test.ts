// The stock scenario and more: orders are validated in parallel by inventory, fraud and
// order-details, and the validation aggregator moves each to VALIDATED or FAILED with reasons. A
// validated order goes on through the checkout saga (paid, APPROVED, stock decremented, shipped):
// "reached VALIDATED" is what the blocking GET answers, and the stock is checked once it has settled.
// Every test owns its customers and products (unique skus), so files running alongside never share stock.
// The order of an unknown customer is in unknown-customer.serial.e2e.test.ts: it holds a partition of
// order-details for the whole grace period, delaying every order behind it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxTokens } from '@microshop/contracts';
import { api, eventually, gatewayUrl, type OrderBody } from './lib/api.ts';
import { paymentWhen, reservationsOf } from './lib/saga.ts';
import { stockScenario } from './lib/scenarios.ts';
import {
  awaitStatus,
  describeOrder,
  getProduct,
  placeOrder,
  putProduct,
  registerCustomer,
  uniqueSku,
} from './lib/shop.ts';

interface ProblemBody {
  code: string;
  errors: { field: string; rule: string; message: string }[];
}

describe('validating orders end to end', () => {
  it('validates ten single-unit orders against a stock of 10, fails the eleventh for inventory naming the sku, and ends with stock and reserved exactly 0', async (t) => {
    const outcome = await stockScenario(gatewayUrl);
    t.diagnostic(`scenario took ${outcome.durationMs} ms`);
    const first = outcome.orders.slice(0, 10);
    assert.deepEqual(
      first.map((o) => [o.validation, o.status]),
      Array(10).fill(['VALIDATED', 'DELIVERED']),
      JSON.stringify(outcome.orders),
    );
    const eleventh = outcome.orders[10];
    assert.ok(eleventh);
    assert.deepEqual([eleventh.validation, eleventh.status], ['FAILED', 'FAILED'], JSON.stringify(eleventh));
    assert.deepEqual(eleventh.reasonKinds, ['INVENTORY']);
    assert.ok(
      eleventh.reasons.some(
        (r) => r.startsWith('INVENTORY:') && r.includes(`${outcome.sku} (requested 1, available 0)`),
      ),
      `an INVENTORY reason names ${outcome.sku} with nothing left to reserve: ${JSON.stringify(eleventh.reasons)}`,
    );
    // Each validated order reserved exactly its one unit, and its approval turned it into a decrement.
    const reservations = await reservationsOf(outcome.sku);
    assert.deepEqual(
      reservations.map((r) => [r.orderId, r.quantity, r.state]).sort(),
      first.map((o) => [o.id, 1, 'COMMITTED']).sort(),
      'one reservation of one unit per validated order, committed; none for the failed one',
    );
    assert.deepEqual([outcome.stock, outcome.reserved], [0, 0], 'after the approvals: stock 0, reserved 0');
  });

  it('fails every order for inventory when the stock is 0 and reserves nothing', async () => {
    const sku = uniqueSku('E2E-EMPTY');
    await putProduct(sku, { unitPrice: 700, stock: 0 });
    const customers = await Promise.all([1, 2, 3].map(() => registerCustomer()));
    const orders = await Promise.all(
      customers.map(async (c, i) => {
        const order = await placeOrder(c.id, [{ sku, quantity: i + 1, unitPrice: 700 }]);
        return awaitStatus(order.id);
      }),
    );
    for (const order of orders) {
      assert.equal(order.status, 'FAILED', describeOrder(order));
      assert.ok(
        order.reasons.some((r) => r.startsWith('INVENTORY:') && r.includes(sku)),
        `INVENTORY reason naming ${sku}: ${describeOrder(order)}`,
      );
    }
    const product = await getProduct(sku);
    assert.equal(product.reserved, 0);
    assert.equal(product.stock, 0);
    assert.deepEqual(await reservationsOf(sku), []);
  });

  it('refuses at once an order whose unit price differs from the catalog: 409 naming the sku and both prices, nothing reserved', async () => {
    const sku = uniqueSku('E2E-PRICE');
    await putProduct(sku, { unitPrice: 2500, stock: 5 });
    const customer = await registerCustomer();
    const body = (unitPrice?: number) => ({
      customerId: customer.id,
      items: [{ sku, quantity: 2, ...(unitPrice === undefined ? {} : { unitPrice }) }],
      currency: 'EUR',
      payment: { token: sandboxTokens.success },
    });

    const refused = await api<ProblemBody>('POST', '/api/v1/orders', { body: body(1) });

    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.deepEqual(
      refused.body.errors.map((e) => [e.field, e.message]),
      [['items[0].unitPrice', `${sku} costs 2500 in the catalog, not 1`]],
    );
    const orders = await api<{ orders: unknown[] }>('GET', `/api/v1/customers/${customer.id}/orders`);
    assert.deepEqual(orders.body.orders, [], 'no order was written');
    assert.deepEqual(await reservationsOf(sku), [], 'nothing was reserved');
    // Without a price the order is priced from the catalog, and charged that.
    const placed = await api<OrderBody>('POST', '/api/v1/orders', { body: body() });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.total, 5000);
    const paid = await paymentWhen(placed.body.id, 'charged', (p) => p.charges.length > 0);
    assert.equal(paid.charges[0]?.amount, 5000);
  });

  it('refuses at once an order naming a sku the catalog does not have: 400 naming the line', async () => {
    const customer = await registerCustomer();
    const unknown = uniqueSku('E2E-NO-SUCH');
    const refused = await api<ProblemBody>('POST', '/api/v1/orders', {
      body: {
        customerId: customer.id,
        items: [{ sku: unknown, quantity: 1 }],
        currency: 'EUR',
        payment: { token: sandboxTokens.success },
      },
    });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.deepEqual(
      refused.body.errors.map((e) => e.field),
      ['items[0].sku'],
    );
  });

  it('releases the reservation of a VALIDATED order when it is cancelled, refunding its charge, while the other order of the sku is sold', async () => {
    const sku = uniqueSku('E2E-CANCEL');
    await putProduct(sku, { unitPrice: 900, stock: 5 });
    const customer = await registerCustomer();
    const keep = await awaitStatus(
      (await placeOrder(customer.id, [{ sku, quantity: 1, unitPrice: 900 }])).id,
    );
    // tok_slow: the provider answers after 3 s, so the order is still VALIDATED when cancelled (if it
    // were APPROVED already, its units would be committed and then restocked instead of released).
    const order = await placeOrder(customer.id, [{ sku, quantity: 3, unitPrice: 900 }], {
      token: sandboxTokens.slow,
    });
    const validated = await awaitStatus(order.id);
    assert.notEqual(keep.status, 'FAILED', describeOrder(keep));
    assert.equal(validated.status, 'VALIDATED', describeOrder(validated));
    const held = Object.fromEntries((await reservationsOf(sku)).map((r) => [r.orderId, r.quantity]));
    assert.deepEqual(held, { [keep.id]: 1, [order.id]: 3 }, 'both orders reserved their units');

    const cancel = await api<OrderBody>('POST', `/api/v1/orders/${order.id}/cancel`);
    assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
    const cancelled = await awaitStatus(order.id, ['CANCELLED'], { timeoutMs: 10_000 });
    assert.equal(cancelled.status, 'CANCELLED');
    const states = await eventually('both reservations settled', async () => {
      const now = Object.fromEntries((await reservationsOf(sku)).map((r) => [r.orderId, r.state]));
      return now[keep.id] === 'COMMITTED' && now[order.id] !== 'RESERVED' ? now : undefined;
    });
    assert.deepEqual(states, { [keep.id]: 'COMMITTED', [order.id]: 'RELEASED' });
    const product = await getProduct(sku);
    assert.deepEqual(
      [product.stock, product.reserved],
      [4, 0],
      'the kept order took its unit; the release gave three back to sale without touching stock',
    );
    // The charge completed after the cancellation and was refunded at once.
    const payment = await paymentWhen(order.id, 'refunded', (p) => p.refunds.length > 0);
    assert.deepEqual(
      [payment.status, payment.charges.length, payment.refunds[0]?.amount],
      ['REFUNDED', 1, 2_700],
    );
  });
});

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

async function reservedBecomes(sku: string, reserved: number): Promise<void> {
  await eventually(
    `${sku} reserved = ${reserved}`,
    async () => ((await getProduct(sku)).reserved === reserved ? true : undefined),
    20_000,
  );
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

  it('fails an order whose unit price differs from the catalog for ORDER_DETAILS and releases what inventory reserved', async () => {
    const sku = uniqueSku('E2E-PRICE');
    await putProduct(sku, { unitPrice: 2500, stock: 5 });
    const customer = await registerCustomer();
    const order = await placeOrder(customer.id, [{ sku, quantity: 2, unitPrice: 2000 }]);
    const failed = await awaitStatus(order.id);
    assert.equal(failed.status, 'FAILED', describeOrder(failed));
    assert.ok(
      failed.reasons.some(
        (r) => r.startsWith('ORDER_DETAILS:') && /price mismatch/.test(r) && r.includes(sku),
      ),
      `ORDER_DETAILS price mismatch naming ${sku}: ${describeOrder(failed)}`,
    );
    assert.ok(!failed.reasons.some((r) => r.startsWith('INVENTORY:')), 'the stock was there');
    // Inventory reserved the two units on OrderCreated; the failure releases them.
    await reservedBecomes(sku, 0);
    assert.equal((await getProduct(sku)).stock, 5);
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

// Seed 001's EndToEndTest, strengthened: orders are validated in parallel by inventory, fraud and
// order-details, and the validation aggregator moves each to VALIDATED or FAILED with reasons.
// Every test owns its customers and products (unique skus), so files running alongside never share stock.
// The order of an unknown customer is in unknown-customer.serial.e2e.test.ts: it holds a partition of
// order-details for the whole grace period, delaying every order behind it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api, eventually, gatewayUrl, type OrderBody } from './lib/api.ts';
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

interface Reservation {
  orderId: string;
  quantity: number;
  state: string;
}

async function reservationsOf(sku: string): Promise<Reservation[]> {
  const res = await api<{ reservations: Reservation[] }>(
    'GET',
    `/api/v1/products/${sku}/reservations?limit=200`,
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.reservations;
}

async function reservedBecomes(sku: string, reserved: number): Promise<void> {
  await eventually(
    `${sku} reserved = ${reserved}`,
    async () => ((await getProduct(sku)).reserved === reserved ? true : undefined),
    20_000,
  );
}

describe('validating orders end to end', () => {
  it('validates ten single-unit orders against a stock of 10 and fails the eleventh for inventory, naming the sku', async (t) => {
    const outcome = await stockScenario(gatewayUrl);
    t.diagnostic(`scenario took ${outcome.durationMs} ms`);
    const statuses = outcome.orders.map((o) => o.status);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill('VALIDATED'), JSON.stringify(outcome.orders));
    const eleventh = outcome.orders[10];
    assert.equal(eleventh?.status, 'FAILED', JSON.stringify(eleventh));
    assert.deepEqual(eleventh.reasonKinds, ['INVENTORY']);
    assert.ok(
      eleventh.reasons.some((r) => r.startsWith('INVENTORY:') && r.includes(outcome.sku)),
      `an INVENTORY reason names ${outcome.sku}: ${JSON.stringify(eleventh.reasons)}`,
    );
    assert.equal(outcome.reserved, 10, 'the ten validated orders hold one unit each');
    assert.equal(outcome.stock, 10, 'reserving never takes stock');
    const reservations = await reservationsOf(outcome.sku);
    assert.deepEqual(
      reservations.map((r) => r.orderId).sort(),
      outcome.orders
        .slice(0, 10)
        .map((o) => o.id)
        .sort(),
      'one reservation per validated order, none for the failed one',
    );
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

  it('releases the reservation of a VALIDATED order when it is cancelled', async () => {
    const sku = uniqueSku('E2E-CANCEL');
    await putProduct(sku, { unitPrice: 900, stock: 5 });
    const customer = await registerCustomer();
    const keep = await awaitStatus(
      (await placeOrder(customer.id, [{ sku, quantity: 1, unitPrice: 900 }])).id,
    );
    const order = await placeOrder(customer.id, [{ sku, quantity: 3, unitPrice: 900 }]);
    const validated = await awaitStatus(order.id);
    assert.equal(keep.status, 'VALIDATED', describeOrder(keep));
    assert.equal(validated.status, 'VALIDATED', describeOrder(validated));
    assert.equal((await getProduct(sku)).reserved, 4);

    const cancel = await api<OrderBody>('POST', `/api/v1/orders/${order.id}/cancel`);
    assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
    const cancelled = await awaitStatus(order.id, ['CANCELLED'], { timeoutMs: 10_000 });
    assert.equal(cancelled.status, 'CANCELLED');
    await reservedBecomes(sku, 1);
    const product = await getProduct(sku);
    assert.equal(product.stock, 5, 'a release gives the units back to sale without touching stock');
    const states = Object.fromEntries((await reservationsOf(sku)).map((r) => [r.orderId, r.state]));
    assert.deepEqual(states, { [keep.id]: 'RESERVED', [order.id]: 'RELEASED' });
  });
});

// The fraud check end to end: per customer and currency, the orders of a session window add up, and
// the order whose session total reaches 2000.00 fails with a FRAUD reason. Other customers and other
// currencies are separate sessions. (The window closing after the inactivity gap is covered by
// services/fraud's integration test with a short configured gap.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api } from './lib/api.ts';
import { productWhen, reservationsOf } from './lib/saga.ts';
import {
  assertValidated,
  awaitStatus,
  describeOrder,
  placeOrder,
  putProduct,
  registerCustomer,
  uniqueSku,
} from './lib/shop.ts';
import { instanceUrls } from './lib/stack.ts';

interface FraudSession {
  currency: string;
  total: number;
  orderCount: number;
  current: boolean;
  orders: { orderId: string; amount: number; result: string; reason: string | null }[];
}

async function sessionsOf(customerId: string): Promise<FraudSession[]> {
  const [fraud] = instanceUrls('fraud');
  const res = await api<{ sessions: FraudSession[] }>(
    'GET',
    `/api/v1/fraud/customers/${customerId}/sessions`,
    {
      baseUrl: fraud,
    },
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.sessions;
}

describe('the fraud check', () => {
  it("fails a customer's second 1000.00 order as its session reaches 2000.00, while another customer's 1000.00 order passes", async () => {
    const sku = uniqueSku('E2E-FRAUD');
    const usdSku = uniqueSku('E2E-FRAUD-USD');
    await putProduct(sku, { unitPrice: 50_000, stock: 20 });
    await putProduct(usdSku, { unitPrice: 100_000, currency: 'USD', stock: 5 });
    const [alice, bob] = await Promise.all([
      registerCustomer({ name: 'Alice' }),
      registerCustomer({ name: 'Bob' }),
    ]);
    const thousand = [{ sku, quantity: 2, unitPrice: 50_000 }];

    const first = await awaitStatus((await placeOrder(alice.id, thousand)).id);
    assertValidated(first);
    assert.equal(first.total, 100_000);

    const second = await awaitStatus((await placeOrder(alice.id, thousand)).id);
    assert.equal(second.status, 'FAILED', describeOrder(second));
    assert.deepEqual(
      second.reasons,
      ['FRAUD: order value in session reaches 2000.00 EUR (limit 2000.00)'],
      'only the fraud check failed, and it says why',
    );

    const other = await awaitStatus((await placeOrder(bob.id, thousand)).id);
    assertValidated(other, "another customer's session is separate");

    // The same customer in another currency is another session.
    const dollars = await awaitStatus(
      (await placeOrder(alice.id, [{ sku: usdSku, quantity: 1, unitPrice: 100_000 }], { currency: 'USD' }))
        .id,
    );
    assertValidated(dollars, 'a USD session of its own');

    const sessions = await sessionsOf(alice.id);
    const eur = sessions.find((s) => s.currency === 'EUR');
    assert.ok(eur, JSON.stringify(sessions));
    assert.equal(eur.total, 200_000);
    assert.equal(eur.orderCount, 2);
    assert.deepEqual(
      eur.orders.map((o) => [o.orderId, o.result]).sort(),
      [
        [first.id, 'PASS'],
        [second.id, 'FAIL'],
      ].sort(),
    );
    assert.equal(sessions.find((s) => s.currency === 'USD')?.total, 100_000);
    assert.deepEqual(
      (await sessionsOf(bob.id)).map((s) => [s.currency, s.total, s.orderCount]),
      [['EUR', 100_000, 1]],
    );

    // The failed order's two units were reserved by inventory, then released when it failed; the two
    // validated orders were approved and took theirs: 20 − 2 − 2 left, nothing held.
    const ended = await Promise.all(
      [first, other, dollars].map((o) => awaitStatus(o.id, ['DELIVERED', 'FAILED', 'CANCELLED'])),
    );
    assert.deepEqual(
      ended.map((o) => o.status),
      ['DELIVERED', 'DELIVERED', 'DELIVERED'],
    );
    const eurStock = await productWhen(sku, (p) => p.reserved === 0 && p.stock !== 20);
    assert.deepEqual([eurStock.stock, eurStock.reserved], [16, 0]);
    assert.deepEqual(
      (await reservationsOf(sku)).map((r) => [r.orderId, r.quantity, r.state]).sort(),
      [
        [first.id, 2, 'COMMITTED'],
        [second.id, 2, 'RELEASED'],
        [other.id, 2, 'COMMITTED'],
      ].sort(),
    );
  });
});

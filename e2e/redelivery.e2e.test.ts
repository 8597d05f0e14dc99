// Exactly-once effects under at-least-once delivery: the OrderCreated events of a batch of orders are
// read from microshop.order-outbox and produced again byte for byte (same key, value and headers,
// including the event id `id`), as a broker redelivery or a Debezium replay after a crash would.
// Once every consumer of the topic has handled them, nothing has changed: no unit reserved again, no
// fraud session counted twice, no second verdict or decision, no status moved, no second charge or
// shipment (the orders have gone through the whole saga to DELIVERED first).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ordersByLevelTopic, topics } from '@microshop/contracts';
import { api, eventually, type OrderBody } from './lib/api.ts';
import {
  allMessagesAbout,
  countByOrder,
  messagesAbout,
  orderIdOf,
  orderOutboxConsumers,
  produce,
  sameBytes,
  waitForGroups,
} from './lib/kafka.ts';
import { paymentOf, productWhen, sandboxCharges, shipmentsOf } from './lib/saga.ts';
import {
  assertValidated,
  awaitStatus,
  describeOrder,
  getProduct,
  placeOrder,
  putProduct,
  registerCustomer,
  uniqueSku,
} from './lib/shop.ts';
import { instanceUrls } from './lib/stack.ts';

async function fraudSessions(customerId: string): Promise<unknown> {
  const [fraud] = instanceUrls('fraud');
  const res = await api('GET', `/api/v1/fraud/customers/${customerId}/sessions`, { baseUrl: fraud });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function timeline(orderId: string): Promise<unknown> {
  const res = await api<{ timeline: unknown[] }>('GET', `/api/v1/orders/${orderId}/timeline`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.timeline;
}

async function snapshot(sku: string, customerIds: string[], orderIds: string[]) {
  const product = await getProduct(sku);
  return {
    product: { stock: product.stock, reserved: product.reserved },
    sessions: await Promise.all(customerIds.map(fraudSessions)),
    orders: await Promise.all(
      orderIds.map(async (id) => {
        const res = await api<OrderBody>('GET', `/api/v1/orders/${id}`);
        return { status: res.body.status, reasons: res.body.reasons, updatedAt: res.body.updatedAt };
      }),
    ),
    timelines: await Promise.all(orderIds.map(timeline)),
    payments: await Promise.all(orderIds.map(paymentOf)),
    charges: await Promise.all(orderIds.map(async (id) => (await sandboxCharges(id)).length)),
    shipments: await Promise.all(orderIds.map(shipmentsOf)),
  };
}

describe('redelivered OrderCreated events', () => {
  it('change nothing: no new reservation, fraud sessions as they were, one verdict per check and one decision per order, no second charge or shipment', async (t) => {
    const sku = uniqueSku('E2E-REDELIVER');
    const sentinelSku = uniqueSku('E2E-REDELIVER-SENTINEL');
    await Promise.all([
      putProduct(sku, { unitPrice: 500, stock: 20 }),
      putProduct(sentinelSku, { unitPrice: 500, stock: 5 }),
    ]);
    const [alice, bob, sentinelCustomer] = await Promise.all([
      registerCustomer({ name: 'Alice' }),
      registerCustomer({ name: 'Bob' }),
      registerCustomer({ name: 'Sentinel' }),
    ]);
    const plan: [string, number][] = [
      [alice.id, 1],
      [alice.id, 2],
      [bob.id, 2],
      [alice.id, 1],
      [bob.id, 1],
    ];
    const orders: OrderBody[] = [];
    for (const [customerId, quantity] of plan) {
      orders.push(await awaitStatus((await placeOrder(customerId, [{ sku, quantity, unitPrice: 500 }])).id));
    }
    for (const o of orders) assertValidated(o);
    // Delivered, the orders hold nothing: their 7 units left the stock and none stay reserved, so a
    // redelivery handled as new would reserve again and show.
    const ids = orders.map((o) => o.id);
    const ended = await Promise.all(ids.map((id) => awaitStatus(id, ['DELIVERED', 'FAILED', 'CANCELLED'])));
    for (const o of ended) assert.equal(o.status, 'DELIVERED', describeOrder(o));
    const settled = await productWhen(sku, (p) => p.reserved === 0 && p.stock !== 20);
    assert.deepEqual([settled.stock, settled.reserved], [13, 0]);
    await eventually('the deliveries in the timelines', async () => {
      const lines = (await Promise.all(ids.map(timeline))) as { status: string }[][];
      return lines.every((l) => l.some((e) => e.status === 'DELIVERED')) ? true : undefined;
    });
    const before = await snapshot(sku, [alice.id, bob.id], ids);

    const created = await messagesAbout(topics.orderOutbox, ids, {
      until: (mine) =>
        ids.every((id) => mine.some((m) => orderIdOf(m) === id && m.headers.type === 'OrderCreated')),
    }).then((ms) => ms.filter((m) => m.headers.type === 'OrderCreated'));
    assert.equal(created.length, ids.length, 'one OrderCreated per order on the outbox topic');
    const t0 = performance.now();
    const targets = await produce(created.map(sameBytes));
    await waitForGroups(orderOutboxConsumers, targets);
    t.diagnostic(
      `${orderOutboxConsumers.length} groups handled the redelivery in ${Math.round(performance.now() - t0)} ms`,
    );

    assert.deepEqual(await snapshot(sku, [alice.id, bob.id], ids), before);

    // Anything a consumer published because of the redelivery was committed before the sentinel's
    // events, and Debezium streams in commit order: once the sentinel's results are on the topics,
    // so would theirs be.
    const sentinel = await awaitStatus(
      (await placeOrder(sentinelCustomer.id, [{ sku: sentinelSku, quantity: 1, unitPrice: 500 }])).id,
    );
    assertValidated(sentinel);
    await messagesAbout(topics.orderDecisions, [sentinel.id]);
    await messagesAbout(ordersByLevelTopic('bronze'), [sentinel.id]);
    const validations = await allMessagesAbout(topics.orderValidations, ids);
    for (const id of ids) {
      const checks = validations
        .filter((m) => orderIdOf(m) === id)
        .map((m) => (m.value as { check: string }).check);
      assert.deepEqual(
        checks.sort(),
        ['FRAUD', 'INVENTORY', 'ORDER_DETAILS'],
        `one verdict per check for ${id}`,
      );
    }
    const perOrder = countByOrder(await allMessagesAbout(topics.orderDecisions, ids));
    for (const id of ids) assert.equal(perOrder.get(id), 1, `one decision for ${id}`);

    // Dynamic routing also handled each order event once: no routed event derived twice from one cause.
    const routed = await allMessagesAbout(ordersByLevelTopic('bronze'), ids);
    const causes = routed.map((m) => (m.value as { causationId: string }).causationId);
    assert.equal(new Set(causes).size, causes.length, 'each order event routed once');
    assert.equal(
      causes.length,
      ids.length * 5,
      'CREATED, VALIDATED, APPROVED, SHIPPED and DELIVERED of each order',
    );
  });
});

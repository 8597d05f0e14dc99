// Dynamic routing by customer level: every order event, enriched with the customer's level,
// is republished to microshop.orders-<level>; a level change routes the customer's later orders to
// the new level's topic. And the customers API that levels come from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ordersByLevelTopic, type RoutedOrderEvent, routedOrderEventSchema } from '@microshop/contracts';
import { type ApiResponse, api, eventually } from './lib/api.ts';
import { query } from './lib/db.ts';
import { allMessagesAbout, messagesAbout, orderIdOf } from './lib/kafka.ts';
import {
  assertValidated,
  awaitStatus,
  type CustomerBody,
  describeOrder,
  placeOrder,
  putProduct,
  registerCustomer,
  uniqueEmail,
  uniqueSku,
} from './lib/shop.ts';

interface Problem {
  status: number;
  code: string;
  errors: { field: string; rule: string }[];
}

/** A problem+json answer of `status` whose errors name `field`. */
function assertProblemNaming(res: ApiResponse<Problem>, status: number, field: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
  assert.ok(
    res.body.errors.some((e) => e.field === field),
    `names ${field}: ${JSON.stringify(res.body)}`,
  );
}

const saga = ['CREATED', 'VALIDATED', 'APPROVED', 'SHIPPED', 'DELIVERED'];

/** The routed events of a delivered order on a level's topic, once its DELIVERED event has been routed there. */
async function routedUpToDelivered(level: 'platinum' | 'gold', orderId: string): Promise<RoutedOrderEvent[]> {
  const delivered = await awaitStatus(orderId, ['DELIVERED', 'FAILED', 'CANCELLED']);
  assert.equal(delivered.status, 'DELIVERED', describeOrder(delivered));
  const mine = await messagesAbout(ordersByLevelTopic(level), [orderId], {
    until: (ms) => ms.some((m) => (m.value as { status?: string }).status === 'DELIVERED'),
  });
  for (const m of mine) assert.equal(m.key, orderId, 'keyed by order id');
  return mine.map((m) => routedOrderEventSchema.parse(m.value));
}

describe('routing orders by customer level', () => {
  it('routes a platinum customer’s order to microshop.orders-platinum and, after a change to gold, the next one to microshop.orders-gold', async () => {
    const sku = uniqueSku('E2E-ROUTE');
    await putProduct(sku, { unitPrice: 4200, stock: 10 });
    const customer = await registerCustomer({ name: 'Platinum Pat', level: 'platinum' });
    assert.equal(customer.level, 'platinum');
    const line = [{ sku, quantity: 1, unitPrice: 4200 }];

    const first = await awaitStatus((await placeOrder(customer.id, line)).id);
    assertValidated(first);
    const onPlatinum = await routedUpToDelivered('platinum', first.id);
    assert.deepEqual(
      onPlatinum.map((e) => e.status),
      saga,
      'every status change of the order, once each, in order',
    );
    for (const e of onPlatinum) {
      assert.equal(e.level, 'platinum');
      assert.equal(e.customerId, customer.id);
      assert.equal(e.order.id, first.id, 'enriched with the whole order');
      assert.equal(e.order.total, 4200);
    }

    const patched = await api<CustomerBody>('PATCH', `/api/v1/customers/${customer.id}`, {
      body: { level: 'gold' },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.level, 'gold');
    // A level change applies to the orders routed after notifications has its copy of it.
    await eventually('notifications to know the customer as gold', async () => {
      const rows = await query<{ level: string }>('select level from notifications.customers where id = $1', [
        customer.id,
      ]);
      return rows[0]?.level === 'gold' ? true : undefined;
    });

    const second = await awaitStatus((await placeOrder(customer.id, line)).id);
    assertValidated(second);
    const onGold = await routedUpToDelivered('gold', second.id);
    assert.deepEqual(
      onGold.map((e) => [e.status, e.level]),
      saga.map((status) => [status, 'gold']),
    );
    // Everything of the second order went to gold: none of it to platinum.
    const secondOnPlatinum = await allMessagesAbout(ordersByLevelTopic('platinum'), [second.id]);
    assert.deepEqual(secondOnPlatinum.map(orderIdOf), []);
  });
});

describe('the customers API', () => {
  it('registers a customer with 201 and Location, and reads it back with 200', async () => {
    const email = uniqueEmail('Reader');
    const res = await api<CustomerBody>('POST', '/api/v1/customers', {
      body: { name: 'Rita Reader', email },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.headers.get('location'), `/api/v1/customers/${res.body.id}`);
    assert.match(res.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.level, 'bronze', 'the default level');
    const read = await api<CustomerBody>('GET', res.headers.get('location') ?? '');
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, res.body);
  });

  it('refuses an email registered already, in any case, with a 409 problem naming email', async () => {
    const email = uniqueEmail('twice');
    const first = await api('POST', '/api/v1/customers', { body: { name: 'First', email } });
    assert.equal(first.status, 201);
    const again = await api<Problem>('POST', '/api/v1/customers', {
      body: { name: 'Second', email: email.toUpperCase() },
    });
    assertProblemNaming(again, 409, 'email');
  });

  it('refuses a malformed email with a 400 problem naming email and registers nothing', async () => {
    const res = await api<Problem>('POST', '/api/v1/customers', {
      body: { name: 'Bad', email: 'not-an-email' },
    });
    assertProblemNaming(res, 400, 'email');
    const rows = await query('select 1 from customers.customers where email = $1', ['not-an-email']);
    assert.equal(rows.length, 0);
  });

  it('answers 404 problem for an unknown customer and 400 for a level that does not exist', async () => {
    const missing = await api('GET', '/api/v1/customers/00000000-0000-4000-8000-000000000000');
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /application\/problem\+json/);
    const customer = await registerCustomer();
    const bad = await api<Problem>('PATCH', `/api/v1/customers/${customer.id}`, {
      body: { level: 'diamond' },
    });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.ok(
      bad.body.errors.some((e) => e.field === 'level'),
      JSON.stringify(bad.body),
    );
  });
});

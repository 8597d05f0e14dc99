import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, startServiceProcess } from '@microshop/platform/testing';
import { givenOrdersSchema, givenPayments, orderRequest } from './support.ts';

// A deployment that trusts an outside OpenID Connect issuer instead of microshop's own: the orders
// process, configured by environment only, with an issuer this test starts (its JWKS on a port of
// its own, its roles nested as some identity providers nest them).

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));

test("a customer of an outside issuer places and reads their own order, and not another's", async (t) => {
  const idp = await createTestIssuer({
    issuer: 'https://idp.example.test/realms/shop',
    audience: 'shop-api',
  });
  // Migrated with the test catalog, so the order below is priced; its card token goes to the stand-in.
  const db = await givenOrdersSchema('orders_outside_issuer');
  const { service: orders } = await startServiceProcess(mainFile, t, {
    name: 'orders-idp',
    schema: db,
    topics: {
      ORDER_DECISIONS_TOPIC: 'decisions',
      PAYMENTS_TOPIC: 'payments',
      SHIPMENTS_TOPIC: 'shipments',
      ORDER_COMMANDS_TOPIC: 'commands',
      PRODUCTS_TOPIC: 'products',
      DEAD_LETTER_TOPIC: 'dlq',
    },
    issuer: idp,
    env: {
      AUTH_ROLES_CLAIM: 'realm_access.roles',
      PAYMENTS_URL: (await givenPayments()).url,
      LOG_LEVEL: 'warn',
    },
  });
  const as = async (subject: string, role: 'customer' | 'operator') => ({
    'content-type': 'application/json',
    authorization: `Bearer ${await idp.tokenFor({ subject, roles: [] }, { claims: { realm_access: { roles: [role] } } })}`,
  });
  const [ann, bob] = [randomUUID(), randomUUID()];

  const placed = await fetch(`${orders.base}/api/v1/orders`, {
    method: 'POST',
    headers: await as(ann, 'customer'),
    body: JSON.stringify(orderRequest({ customerId: ann })),
  });
  assert.equal(placed.status, 201, await placed.clone().text());
  const order = (await placed.json()) as { id: string; customerId: string };
  assert.equal(order.customerId, ann);

  const read = async (headers: Record<string, string>) =>
    (await fetch(`${orders.base}/api/v1/orders/${order.id}`, { headers })).status;
  const microshopOwn = (await (await createTestIssuer()).customer(ann)).headers;
  assert.deepEqual(
    {
      owner: await read(await as(ann, 'customer')),
      another: await read(await as(bob, 'customer')),
      operator: await read(await as(bob, 'operator')),
      otherIssuer: await read(microshopOwn),
    },
    { owner: 200, another: 404, operator: 200, otherIssuer: 401 },
  );
  assert.equal(await orders.stop(), 0, orders.output.join(''));
});

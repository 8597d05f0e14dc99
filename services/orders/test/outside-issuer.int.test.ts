import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deleteConsumerGroups } from '@microshop/platform';
import {
  createTestIssuer,
  createTestSchema,
  createTestTopics,
  serveIssuer,
  startService,
  testDatabaseUrl,
  testKafkaBootstrapServers,
  uniqueGroup,
  uniqueTopic,
} from '@microshop/platform/testing';
import { orderRequest } from './support.ts';

// A deployment that trusts an outside OpenID Connect issuer instead of microshop's own: the orders
// process, configured by environment only, with an issuer this test starts (its JWKS on a port of
// its own, its roles nested as some identity providers nest them).

const mainFile = fileURLToPath(new URL('../src/main.ts', import.meta.url));

test("a customer of an outside issuer places and reads their own order, and not another's", async (t) => {
  const idp = await createTestIssuer({
    issuer: 'https://idp.example.test/realms/shop',
    audience: 'shop-api',
  });
  const trusted = await serveIssuer(idp, t);
  const db = await createTestSchema('orders_outside_issuer', t);
  const topics = await createTestTopics(
    t,
    ['decisions', 'payments', 'shipments', 'commands', 'dlq'].map((name) =>
      uniqueTopic(`orders-idp-${name}`),
    ),
  );
  const group = uniqueGroup('orders-idp');
  const orders = await startService(
    mainFile,
    {
      ...trusted.env,
      AUTH_ROLES_CLAIM: 'realm_access.roles',
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_SCHEMA: db.name,
      KAFKA_BOOTSTRAP_SERVERS: testKafkaBootstrapServers(),
      ORDER_DECISIONS_TOPIC: topics[0] ?? '',
      PAYMENTS_TOPIC: topics[1] ?? '',
      SHIPMENTS_TOPIC: topics[2] ?? '',
      ORDER_COMMANDS_TOPIC: topics[3] ?? '',
      DEAD_LETTER_TOPIC: topics[4] ?? '',
      CONSUMER_GROUP: group,
      INSTANCE_ID: 'orders-idp',
      LOG_LEVEL: 'warn',
    },
    t,
  );
  t.after(() => deleteConsumerGroups({ bootstrapServers: testKafkaBootstrapServers(), groups: [group] }));
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

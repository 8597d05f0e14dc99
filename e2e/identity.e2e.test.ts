// Signing up and in through the gateway, as docs/product.md ("Identity and access") fixes it: tokens
// the JWKS verifies, one 401 for any failed sign-in, 401 problems for expired or forged tokens,
// rotated refresh tokens, and orders placed only as oneself with keys of one's own.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { devOperatorAccount } from '@microshop/platform/pure';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { api, gatewayUrl, newOrderRequest, type OrderBody } from './lib/api.ts';
import { query } from './lib/db.ts';
import { customerCredentials, sessionOf, signIn, tokenSignedByStack } from './lib/session.ts';
import { registerCustomer, uniqueEmail } from './lib/shop.ts';

const anonymous = { as: 'anonymous' as const };

async function register(body: Record<string, unknown>) {
  return api<Record<string, unknown> & { customer: { id: string; level: string } }>(
    'POST',
    '/api/v1/auth/register',
    { body, ...anonymous },
  );
}

describe('signing up and in through the gateway', () => {
  it('registers a bronze customer (a level sent is ignored) with tokens the published keys verify', async () => {
    const email = uniqueEmail('Ivy');
    const res = await register({ name: 'Ivy', email, password: 'correct horse battery', level: 'platinum' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.customer.level, 'bronze');
    assert.equal(res.body.tokenType, 'Bearer');
    const jwks = createRemoteJWKSet(new URL(`${gatewayUrl}/api/v1/auth/jwks.json`));
    const { payload } = await jwtVerify(String(res.body.accessToken), jwks, {
      issuer: 'microshop',
      audience: 'microshop-api',
    });
    assert.equal(payload.sub, res.body.customer.id);
    assert.deepEqual(payload.roles, ['customer']);
  });

  it('answers an unknown email and a wrong password with the same 401 problem', async () => {
    const customer = await registerCustomer();
    const signInWith = (email: string, password: string) =>
      api<Record<string, unknown>>('POST', '/api/v1/auth/sign-in', {
        body: { email, password },
        headers: { 'x-request-id': 'sign-in-probe' },
        ...anonymous,
      });
    const wrong = await signInWith(customer.email, 'not the password');
    const unknown = await signInWith(uniqueEmail('nobody'), 'not the password');

    assert.deepEqual([wrong.status, unknown.status], [401, 401]);
    assert.deepEqual(unknown.body, wrong.body);
    assert.match(wrong.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(wrong.body.code, 'UNAUTHENTICATED');
    assert.equal(unknown.headers.get('www-authenticate'), wrong.headers.get('www-authenticate'));
    const right = await signIn(customer.email, customerCredentials(customer.email).password);
    assert.equal(right.subject, customer.id);
  });

  it('answers an expired or forged access token with a 401 problem', async () => {
    const customer = await registerCustomer();
    const session = await signIn(customer.email, customerCredentials(customer.email).password);
    for (const token of [
      await tokenSignedByStack(customer.id, -60),
      `${session.accessToken.slice(0, -6)}AAAAAA`,
    ]) {
      const res = await api<{ code: string }>('GET', `/api/v1/customers/${customer.id}`, {
        headers: { authorization: `Bearer ${token}` },
        ...anonymous,
      });
      assert.equal(res.status, 401, JSON.stringify(res.body));
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(res.body.code, 'UNAUTHENTICATED');
    }
  });

  it('rotates the refresh token on every refresh, and a used one revokes what came after it', async () => {
    const customer = await registerCustomer();
    const first = await signIn(customer.email, customerCredentials(customer.email).password);
    const refresh = (refreshToken: string) =>
      api<{ accessToken: string; refreshToken: string; expiresIn: number }>('POST', '/api/v1/auth/refresh', {
        body: { refreshToken },
        ...anonymous,
      });
    const renewed = await refresh(first.refreshToken);
    assert.equal(renewed.status, 200);
    assert.equal(sessionOf(renewed.body, gatewayUrl).subject, customer.id);

    assert.equal((await refresh(first.refreshToken)).status, 401);
    assert.equal((await refresh(renewed.body.refreshToken)).status, 401, 'the family is revoked');
  });

  it('signs the operator account of the dev profile in as an operator', async () => {
    const operator = await signIn(devOperatorAccount.email, devOperatorAccount.password);
    const products = await api('PUT', '/api/v1/products/E2E-OPERATOR-PROBE', {
      body: { name: 'Probe', unitPrice: 100 },
      as: operator,
    });
    assert.ok([200, 201].includes(products.status), JSON.stringify(products.body));
  });
});

describe('orders as oneself', () => {
  it("refuses an order in another customer's name (403) and any order of an operator (403), writing nothing", async () => {
    const [ann, bob] = [await registerCustomer(), await registerCustomer()];
    const asBob = await signIn(bob.email, customerCredentials(bob.email).password);
    const inAnnsName = await api('POST', '/api/v1/orders', {
      body: newOrderRequest({ customerId: ann.id }),
      as: asBob,
    });
    const operator = await signIn(devOperatorAccount.email, devOperatorAccount.password);
    const byOperator = await api('POST', '/api/v1/orders', {
      body: newOrderRequest({ customerId: ann.id }),
      as: operator,
    });

    assert.deepEqual([inAnnsName.status, byOperator.status], [403, 403]);
    const rows = await query('select 1 from orders.orders where customer_id = $1', [ann.id]);
    assert.equal(rows.length, 0);
  });

  it("keeps each customer's Idempotency-Keys their own", async () => {
    const key = `shared-${randomUUID()}`;
    const [ann, bob] = [await registerCustomer(), await registerCustomer()];
    const place = (customerId: string) =>
      api<OrderBody>('POST', '/api/v1/orders', {
        body: newOrderRequest({ customerId }),
        headers: { 'idempotency-key': key },
      });
    const first = await place(ann.id);
    const second = await place(bob.id);
    assert.deepEqual([first.status, second.status], [201, 201], JSON.stringify(second.body));
    assert.equal(second.body.customerId, bob.id);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startFakeUpstream } from './fake-upstream.ts';
import { asOperator, givenGateway, issuer } from './gateway.ts';

// The gateway verifies every token itself and keeps the operator-only paths to operators; each
// service then checks its own routes with the token the gateway passed on.

describe('tokens at the gateway', () => {
  it('passes a valid token on to the service with the request', async () => {
    const orders = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [orders.origin] });
    const customer = await issuer.customer();

    const answer = await app.inject({ url: '/api/v1/orders/x', headers: customer.headers });
    assert.equal(answer.statusCode, 200);
    assert.equal(orders.received[0]?.headers.authorization, customer.headers.authorization);
  });

  it('answers a bad or expired token with a 401 problem itself, and the service never sees it', async () => {
    const orders = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [orders.origin] });
    const expired = await issuer.tokenFor({ roles: ['customer'] }, { expiresInS: -60 });

    for (const authorization of [`Bearer ${expired}`, 'Bearer forged.token.here', 'Basic b3A6b3A=']) {
      const answer = await app.inject({ url: '/api/v1/orders/x', headers: { authorization } });
      assert.equal(answer.statusCode, 401, authorization);
      assert.match(String(answer.headers['content-type']), /^application\/problem\+json/);
      assert.equal(answer.json().code, 'UNAUTHENTICATED');
    }
    assert.equal(orders.received.length, 0);
  });

  it('routes sign-up, sign-in and the key set to the customers service', async () => {
    const customers = await startFakeUpstream('customers');
    const { app } = await givenGateway({ customers: [customers.origin] });

    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'a@b.c', password: 'x' },
    });
    await app.inject({ url: '/api/v1/auth/jwks.json' });
    assert.deepEqual(
      customers.received.map((request) => request.url),
      ['/api/v1/auth/sign-in', '/api/v1/auth/jwks.json'],
    );
  });
});

describe('operator-only paths', () => {
  it('the mail sink, the operator views, the upstreams report and the metrics need the operator role', async () => {
    const mail = await startFakeUpstream('mail-sink');
    const fraud = await startFakeUpstream('fraud');
    const { app } = await givenGateway({ 'mail-sink': [mail.origin], fraud: [fraud.origin] });
    const customer = (await issuer.customer()).headers;
    const paths = [
      '/api/v1/mail',
      '/api/v1/fraud/customers/x/sessions',
      '/api/v1/_gateway/upstreams',
      '/metrics',
    ];
    const statuses = async (headers: Record<string, string>) =>
      Promise.all(paths.map(async (url) => (await app.inject({ url, headers })).statusCode));

    assert.deepEqual(await statuses({}), [401, 401, 401, 401]);
    assert.deepEqual(await statuses(customer), [403, 403, 403, 403]);
    assert.equal(mail.received.length + fraud.received.length, 0);
    assert.deepEqual(await statuses(asOperator), [200, 200, 200, 200]);
  });

  it('keeps its own API document and docs public', async () => {
    const { app } = await givenGateway({});
    assert.equal((await app.inject({ url: '/api/openapi.json' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/api/docs' })).statusCode < 400, true);
  });
});

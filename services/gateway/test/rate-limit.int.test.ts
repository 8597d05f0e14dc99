import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { RateLimit } from '../src/http/routes.ts';
import { startFakeUpstream } from './fake-upstream.ts';
import { givenGateway, issuer } from './gateway.ts';

// The limit per client through the app (@fastify/rate-limit underneath), its clock driven by hand.

async function limitedGateway(t: TestContext, rate: RateLimit, trustedProxies?: string[]) {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const orders = await startFakeUpstream('orders');
  const customers = await startFakeUpstream('customers');
  const { app } = await givenGateway(
    { orders: [orders.origin], customers: [customers.origin] },
    { rate, ...(trustedProxies ? { trustedProxies } : {}) },
  );
  const send = async (client = '10.0.0.1') => app.inject({ url: '/api/v1/orders/x', remoteAddress: client });
  const statuses = async (count: number, client?: string) => {
    const answers: number[] = [];
    for (let i = 0; i < count; i++) answers.push((await send(client)).statusCode);
    return answers;
  };
  return { app, send, statuses, orders, tick: (ms: number) => t.mock.timers.tick(ms) };
}

describe('rate limit per client', () => {
  it('lets a burst through and refuses the request after it, without reaching the service', async (t) => {
    const gateway = await limitedGateway(t, { ratePerSecond: 10, burst: 3 });
    assert.deepEqual(await gateway.statuses(4), [200, 200, 200, 429]);
    assert.equal(gateway.orders.received.length, 3);
  });

  it('says in whole seconds when the client may come back, never less than one', async (t) => {
    const slow = await limitedGateway(t, { ratePerSecond: 0.5, burst: 1 });
    await slow.send();
    const refused = await slow.send();
    assert.equal(refused.headers['retry-after'], '2');
    assert.equal(refused.headers['x-ratelimit-limit'], undefined, 'no counting headers');
    assert.match(refused.json().detail, /^Too many requests from 10\.0\.0\.1; retry after 2 s$/);
  });

  it('never asks to retry after less than one second', async (t) => {
    const fast = await limitedGateway(t, { ratePerSecond: 1000, burst: 1 });
    await fast.send();
    assert.equal((await fast.send()).headers['retry-after'], '1');
  });

  it('lets the client through again once its window is over, and never more than the burst', async (t) => {
    const gateway = await limitedGateway(t, { ratePerSecond: 10, burst: 2 });
    assert.deepEqual(await gateway.statuses(3), [200, 200, 429]);
    gateway.tick(200);
    assert.deepEqual(await gateway.statuses(3), [200, 200, 429]);
    gateway.tick(60_000);
    assert.deepEqual(await gateway.statuses(3), [200, 200, 429]);
  });

  it('keeps one limit per client address', async (t) => {
    const gateway = await limitedGateway(t, { ratePerSecond: 1, burst: 1 });
    assert.deepEqual(await gateway.statuses(2, '10.0.0.1'), [200, 429]);
    assert.deepEqual(await gateway.statuses(1, '10.0.0.2'), [200]);
  });

  it('drops the least recently seen client beyond the cap', async (t) => {
    const gateway = await limitedGateway(t, { ratePerSecond: 1, burst: 1, maxClients: 2 });
    await gateway.send('10.0.0.1');
    await gateway.send('10.0.0.2');
    await gateway.send('10.0.0.1');
    await gateway.send('10.0.0.3');
    assert.equal((await gateway.send('10.0.0.1')).statusCode, 429, 'seen recently, so it was kept');
    assert.equal((await gateway.send('10.0.0.2')).statusCode, 200, 'dropped, so it starts afresh');
  });
});

describe('rate limit per principal and route group', () => {
  it('counts a signed-in caller by its subject, wherever it calls from, apart from anonymous callers', async (t) => {
    const gateway = await limitedGateway(t, { ratePerSecond: 1, burst: 1 });
    const [ann, bob] = [(await issuer.customer()).headers, (await issuer.customer()).headers];
    const as = async (headers: Record<string, string>, client: string) =>
      (await gateway.app.inject({ url: '/api/v1/orders/x', headers, remoteAddress: client })).statusCode;

    assert.deepEqual([await as(ann, '10.0.0.1'), await as(ann, '10.0.0.2')], [200, 429]);
    assert.deepEqual([await as(bob, '10.0.0.1'), await as({}, '10.0.0.1')], [200, 200]);
  });

  it('gives sign-in, writes and reads limits of their own', async (t) => {
    const tight = { ratePerSecond: 1, burst: 1 };
    const gateway = await limitedGateway(t, { ratePerSecond: 100, burst: 100, groups: { auth: tight } });
    const send = async (method: 'GET' | 'POST', url: string) =>
      (await gateway.app.inject({ method, url, remoteAddress: '10.0.0.9' })).statusCode;

    assert.deepEqual(
      [await send('POST', '/api/v1/auth/sign-in'), await send('POST', '/api/v1/auth/sign-in')],
      [201, 429],
    );
    assert.deepEqual(
      [await send('GET', '/api/v1/orders/x'), await send('POST', '/api/v1/orders')],
      [200, 201],
    );
  });

  const viaProxy = (gateway: Awaited<ReturnType<typeof limitedGateway>>, client: string) =>
    gateway.app
      .inject({ url: '/api/v1/orders/x', remoteAddress: '10.9.9.9', headers: { 'x-forwarded-for': client } })
      .then((answer) => answer.statusCode);

  it('does not believe X-Forwarded-For from a peer that is no configured proxy', async (t) => {
    const direct = await limitedGateway(t, { ratePerSecond: 1, burst: 1 });
    assert.deepEqual([await viaProxy(direct, '1.1.1.1'), await viaProxy(direct, '2.2.2.2')], [200, 429]);
  });

  it('counts each client a configured proxy names by itself', async (t) => {
    const behind = await limitedGateway(t, { ratePerSecond: 1, burst: 1 }, ['10.9.9.9']);
    assert.deepEqual([await viaProxy(behind, '1.1.1.1'), await viaProxy(behind, '2.2.2.2')], [200, 200]);
    assert.equal(await viaProxy(behind, '1.1.1.1'), 429);
  });
});

import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { RateLimit } from '../src/http/routes.ts';
import { startFakeUpstream } from './fake-upstream.ts';
import { givenGateway } from './gateway.ts';

// The limit per client through the app (@fastify/rate-limit underneath), its clock driven by hand.

async function limitedGateway(t: TestContext, rate: RateLimit) {
  t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
  const orders = await startFakeUpstream('orders');
  const { app } = await givenGateway({ orders: [orders.origin] }, { rate });
  const send = async (client = '10.0.0.1') => app.inject({ url: '/api/v1/orders/x', remoteAddress: client });
  const statuses = async (count: number, client?: string) => {
    const answers: number[] = [];
    for (let i = 0; i < count; i++) answers.push((await send(client)).statusCode);
    return answers;
  };
  return { send, statuses, orders, tick: (ms: number) => t.mock.timers.tick(ms) };
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

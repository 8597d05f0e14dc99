import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { probeAll } from '../src/clients/health-checks.ts';
import { type FakeUpstream, startFakeUpstream } from './fake-upstream.ts';
import { givenGateway } from './gateway.ts';

async function eventuallyAbandoned(upstream: FakeUpstream, count: number): Promise<void> {
  for (let i = 0; i < 50 && upstream.abandoned < count; i++) await sleep(20);
  assert.equal(upstream.abandoned, count, 'the upstream request was abandoned');
}

function problemOf(response: { headers: Record<string, unknown>; body: string }) {
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  return JSON.parse(response.body) as { status: number; code: string; detail: string; instance: string };
}

describe('load balancing over two instances', () => {
  it('alternates requests between the two instances', async () => {
    const one = await startFakeUpstream('orders-1');
    const two = await startFakeUpstream('orders-2');
    const { app } = await givenGateway({ orders: [one.origin, two.origin] });
    const answeredBy: string[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await app.inject({ method: 'GET', url: '/api/v1/orders/abc' });
      assert.equal(response.statusCode, 200);
      answeredBy.push(response.json().instance);
    }
    assert.deepEqual(answeredBy, ['orders-1', 'orders-2', 'orders-1', 'orders-2', 'orders-1', 'orders-2']);
  });

  it('answers every request from the other instance when one is stopped, POSTs included', async () => {
    const one = await startFakeUpstream('orders-1');
    const two = await startFakeUpstream('orders-2');
    const { app, upstreams } = await givenGateway({ orders: [one.origin, two.origin] });
    await one.stop();
    for (let i = 0; i < 4; i++) {
      const response = await app.inject({ method: 'POST', url: '/api/v1/orders', payload: { n: i } });
      assert.equal(response.statusCode, 201);
      assert.equal(response.json().instance, 'orders-2');
    }
    assert.equal(two.received.length, 4);
    const [stopped] = upstreams.report()[0]?.instances ?? [];
    assert.equal(stopped?.healthy, false, 'the refused instance is taken out of rotation');
  });

  it('answers 503 problem when every instance is down', async () => {
    const one = await startFakeUpstream('orders-1');
    const two = await startFakeUpstream('orders-2');
    const { app } = await givenGateway({ orders: [one.origin, two.origin] });
    await Promise.all([one.stop(), two.stop()]);
    for (let i = 0; i < 2; i++) {
      const response = await app.inject({ method: 'GET', url: '/api/v1/orders/abc' });
      assert.equal(response.statusCode, 503);
      const problem = problemOf(response);
      assert.equal(problem.code, 'UPSTREAM_UNAVAILABLE');
      assert.match(problem.detail, /orders/);
    }
  });

  it('takes an instance out after failed health checks and brings it back after a success', async () => {
    const one = await startFakeUpstream('orders-1');
    const two = await startFakeUpstream('orders-2');
    const { app, upstreams } = await givenGateway({ orders: [one.origin, two.origin] });
    const health = { timeoutMs: 500, failureThreshold: 2 };
    one.healthy = false;
    await probeAll(upstreams, health);
    await probeAll(upstreams, health);
    const whileDown = await Promise.all([1, 2, 3].map(() => app.inject('/api/v1/orders/abc')));
    assert.deepEqual(
      whileDown.map((r) => r.json().instance),
      ['orders-2', 'orders-2', 'orders-2'],
    );
    one.healthy = true;
    await probeAll(upstreams, health);
    const afterwards = await Promise.all([1, 2].map(() => app.inject('/api/v1/orders/abc')));
    assert.deepEqual(afterwards.map((r) => r.json().instance).sort(), ['orders-1', 'orders-2']);
  });
});

describe('upstream failures', () => {
  it('answers 504 problem within the configured timeout when the upstream never answers', async () => {
    const slow = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [slow.origin] }, { timeoutMs: 300 });
    const started = performance.now();
    const response = await app.inject({ method: 'GET', url: '/api/v1/orders/abc/hang' });
    const elapsed = performance.now() - started;
    assert.equal(response.statusCode, 504);
    assert.equal(problemOf(response).code, 'TIMEOUT');
    assert.ok(elapsed >= 290 && elapsed < 2000, `answered after ${elapsed} ms`);
    await eventuallyAbandoned(slow, 1);
  });

  it('abandons the upstream request when the caller hangs up', async () => {
    const slow = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [slow.origin] });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const pending = request(`http://127.0.0.1:${port}/api/v1/orders/abc/hang`, {
      signal: AbortSignal.timeout(200),
    });
    await assert.rejects(pending);
    await eventuallyAbandoned(slow, 1);
  });

  it('answers 502 problem when the upstream resets the connection mid-response', async () => {
    const broken = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [broken.origin] });
    const response = await app.inject({ method: 'GET', url: '/api/v1/orders/abc/reset' });
    assert.equal(response.statusCode, 502);
    assert.equal(problemOf(response).code, 'BAD_GATEWAY');
  });

  it('never retries a POST that failed after it was sent', async () => {
    const one = await startFakeUpstream('orders-1');
    const two = await startFakeUpstream('orders-2');
    const { app } = await givenGateway({ orders: [one.origin, two.origin] });
    const response = await app.inject({ method: 'POST', url: '/api/v1/orders/reset', payload: {} });
    assert.equal(response.statusCode, 502);
    assert.equal(one.received.length + two.received.length, 1);
  });

  it('answers 503 problem naming the service when it has no instances configured', async () => {
    const { app } = await givenGateway({});
    const response = await app.inject({ method: 'GET', url: '/api/v1/customers/abc' });
    assert.equal(response.statusCode, 503);
    assert.match(problemOf(response).detail, /customers.*UPSTREAM_CUSTOMERS/);
  });

  it('answers 404 problem for a path no service owns', async () => {
    const { app } = await givenGateway({});
    const response = await app.inject({ method: 'GET', url: '/api/v1/unknown/thing' });
    assert.equal(response.statusCode, 404);
    assert.equal(problemOf(response).code, 'NOT_FOUND');
  });

  it('stays ready while every upstream is down', async () => {
    const { app } = await givenGateway({ orders: ['http://127.0.0.1:1'] });
    await app.inject('/api/v1/orders');
    const response = await app.inject('/ready');
    assert.equal(response.statusCode, 200);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bigSize, startFakeUpstream } from './fake-upstream.ts';
import { givenGateway } from './gateway.ts';

describe('what passes through the gateway', () => {
  it('passes a POST body, the query string, the status and Location through unchanged', async () => {
    const orders = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [orders.origin] });
    const payload = JSON.stringify({ customerId: 'c-1', items: [{ sku: 'JUMPERS', quantity: 2 }] });
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/orders?dryRun=false&tag=a%20b',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'key-1' },
      payload,
    });
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers.location, '/api/v1/orders/0b7d8a55-1e2f-4a3b-8c9d-0e1f2a3b4c5d');
    const [received] = orders.received;
    assert.equal(received?.url, '/api/v1/orders?dryRun=false&tag=a%20b');
    assert.equal(received?.body, payload);
    assert.equal(received?.headers['idempotency-key'], 'key-1');
    assert.equal(received?.headers['content-type'], 'application/json');
  });

  it('passes a problem+json answer through with its status, type and body', async () => {
    const orders = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [orders.origin] });
    const response = await app.inject({ method: 'GET', url: '/api/v1/orders/missing-1' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.headers['content-type'], 'application/problem+json');
    assert.equal(response.json().detail, '/api/v1/orders/missing-1 not found');
  });

  it('passes a malformed JSON body to the upstream untouched and returns its 400', async () => {
    const orders = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [orders.origin] });
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { 'content-type': 'application/json' },
      payload: '{"customerId": ',
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().code, 'MALFORMED_REQUEST');
    assert.equal(orders.received[0]?.body, '{"customerId": ');
  });

  it('passes bodies of any media type, and none, for the service to judge', async () => {
    const orders = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [orders.origin] });
    const text = await app.inject({
      method: 'PUT',
      url: '/api/v1/orders/x',
      headers: { 'content-type': 'text/plain' },
      payload: 'plain words',
    });
    assert.equal(text.statusCode, 200);
    const empty = await app.inject({ method: 'POST', url: '/api/v1/orders/x/cancel' });
    assert.equal(empty.statusCode, 201);
    assert.deepEqual(
      orders.received.map((r) => [r.method, r.body, r.headers['content-type']]),
      [
        ['PUT', 'plain words', 'text/plain'],
        ['POST', '', undefined],
      ],
    );
  });

  it('streams an answer larger than its buffer back intact', async () => {
    const orders = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [orders.origin] }, { responseBufferBytes: 1024 });
    const response = await app.inject({ method: 'GET', url: '/api/v1/orders/x/big' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body.length, bigSize);
  });

  it('refuses a body over the limit with 413 problem without contacting the upstream', async () => {
    const orders = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [orders.origin] }, { bodyLimitBytes: 100 });
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/orders',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ pad: 'x'.repeat(200) }),
    });
    assert.equal(response.statusCode, 413);
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(response.json().code, 'PAYLOAD_TOO_LARGE');
    assert.equal(orders.received.length, 0);
  });

  it('answers 429 problem with Retry-After once a client has used its burst', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 0 });
    const orders = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [orders.origin] }, { rate: { ratePerSecond: 2, burst: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.inject('/api/v1/orders/x')).statusCode);
    assert.deepEqual(statuses, [200, 200, 429]);
    const refused = await app.inject('/api/v1/orders/x');
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(refused.json().code, 'RATE_LIMITED');
    assert.equal(refused.json().status, 429);
    assert.equal(orders.received.length, 2);
    t.mock.timers.tick(1000);
    assert.equal((await app.inject('/api/v1/orders/x')).statusCode, 200);
  });

  it('does not rate-limit the health, readiness and metrics endpoints', async () => {
    const { app } = await givenGateway({}, { rate: { ratePerSecond: 1, burst: 1 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.inject('/ready')).statusCode);
    assert.deepEqual(statuses, [200, 200, 200]);
  });
});

describe('request ids and forwarding headers', () => {
  it('sends the caller’s x-request-id upstream and echoes it', async () => {
    const orders = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [orders.origin] });
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/orders/x',
      headers: { 'x-request-id': 'trace-42.a' },
    });
    assert.equal(response.headers['x-request-id'], 'trace-42.a');
    assert.equal(orders.received[0]?.headers['x-request-id'], 'trace-42.a');
  });

  it('generates a request id when the caller’s is missing or unsafe, and sends that one upstream', async () => {
    const orders = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [orders.origin] });
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/orders/x',
      headers: { 'x-request-id': 'not safe\u0000<script>' },
    });
    const id = String(response.headers['x-request-id']);
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(orders.received[0]?.headers['x-request-id'], id);
  });

  it('tells the upstream who the caller is with x-forwarded-for and drops hop-by-hop headers', async () => {
    const orders = await startFakeUpstream('orders');
    const { app } = await givenGateway({ orders: [orders.origin] });
    await app.inject({
      method: 'GET',
      url: '/api/v1/orders/x',
      headers: { 'x-forwarded-for': '192.0.2.9', 'proxy-authorization': 'Basic eA==', te: 'trailers' },
    });
    const headers = orders.received[0]?.headers ?? {};
    assert.equal(headers['x-forwarded-for'], '192.0.2.9, 127.0.0.1');
    assert.equal(headers['proxy-authorization'], undefined);
    assert.equal(headers.te, undefined);
  });
});

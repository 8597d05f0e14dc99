import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { z } from 'zod';
import { invalidTransition } from '../src/errors.ts';
import { buildHttpApp, type HttpApp } from '../src/http/app.ts';
import type { ReadinessCheck } from '../src/http/ops-routes.ts';
import { problemDetailsSchema } from '../src/http/problem.ts';
import { createMetrics } from '../src/metrics.ts';
import { capturingLogger } from './log-capture.ts';

const orderBody = z.object({
  customerId: z.uuid(),
  items: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().min(1) })).min(1),
});

async function givenApp(options: { readiness?: ReadinessCheck[]; bodyLimit?: number } = {}) {
  const { logger, lines } = capturingLogger();
  const metrics = createMetrics('test');
  const app: HttpApp = await buildHttpApp({
    serviceName: 'test',
    logger,
    metrics,
    readiness: options.readiness ?? [],
    bodyLimit: options.bodyLimit ?? 1024,
    openapi: { title: 'Test API', version: '1.0.0' },
  });
  app.post('/orders', { schema: { body: orderBody } }, async (request, reply) =>
    reply.status(201).send({ customerId: request.body.customerId }),
  );
  app.get(
    '/items',
    { schema: { querystring: z.object({ limit: z.coerce.number().int().max(100) }) } },
    async () => [],
  );
  app.get(
    '/orders/:id',
    { schema: { response: { 200: z.object({ id: z.string() }), 404: problemDetailsSchema } } },
    () => {
      throw invalidTransition('Order', 'SHIPPED', 'CANCELLED');
    },
  );
  app.get('/boom', async () => {
    throw new Error('password=hunter2 at /srv/secret.ts');
  });
  after(() => app.close());
  await app.ready();
  return { app, lines };
}

/** POSTs `payload` to /orders byte for byte, under the given content type. */
function postText(app: HttpApp, contentType: string, payload: string) {
  return app.inject({ method: 'POST', url: '/orders', headers: { 'content-type': contentType }, payload });
}

function problemOf(response: { headers: Record<string, unknown>; body: string }) {
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  return problemDetailsSchema.parse(JSON.parse(response.body));
}

describe('problem+json answers', () => {
  test('a body failing its zod schema is a 400 naming each field and the broken rule', async () => {
    const { app } = await givenApp();
    const response = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: { items: [{ sku: 'A', quantity: 0 }] },
    });
    assert.equal(response.statusCode, 400);
    const problem = problemOf(response);
    assert.equal(problem.code, 'VALIDATION_FAILED');
    assert.equal(problem.type, '/api/errors#validation_failed');
    assert.deepEqual(
      problem.errors.map(({ field, rule }) => ({ field, rule })),
      [
        { field: 'customerId', rule: 'required' },
        { field: 'items[0].quantity', rule: 'minimum' },
      ],
    );
  });

  test('a field of the wrong type is reported with rule "type", an ill-formed one with its format', async () => {
    const { app } = await givenApp();
    const payload = { customerId: 'not-a-uuid', items: [{ sku: 7, quantity: 1 }] };
    const problem = problemOf(await app.inject({ method: 'POST', url: '/orders', payload }));
    assert.deepEqual(
      problem.errors.map(({ field, rule }) => ({ field, rule })),
      [
        { field: 'customerId', rule: 'uuid' },
        { field: 'items[0].sku', rule: 'type' },
      ],
    );
  });

  test('a bad query parameter is a 400 naming the parameter', async () => {
    const { app } = await givenApp();
    const problem = problemOf(await app.inject({ method: 'GET', url: '/items?limit=500' }));
    assert.equal(problem.status, 400);
    assert.deepEqual(
      problem.errors.map((e) => [e.field, e.rule]),
      [['limit', 'maximum']],
    );
  });

  test('malformed JSON is a 400, not a 500', async () => {
    const { app } = await givenApp();
    const response = await postText(app, 'application/json', '{"customerId": ');
    assert.equal(response.statusCode, 400);
    assert.equal(problemOf(response).code, 'MALFORMED_REQUEST');
  });

  test('a body over the limit is a 413', async () => {
    const { app } = await givenApp({ bodyLimit: 100 });
    const payload = { customerId: crypto.randomUUID(), items: [{ sku: 'x'.repeat(200), quantity: 1 }] };
    const response = await app.inject({ method: 'POST', url: '/orders', payload });
    assert.equal(response.statusCode, 413);
    assert.equal(problemOf(response).code, 'PAYLOAD_TOO_LARGE');
  });

  test('a body that is not JSON is a 415', async () => {
    const { app } = await givenApp();
    const response = await postText(app, 'text/plain', 'customerId=1');
    assert.equal(response.statusCode, 415);
    assert.equal(problemOf(response).code, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('an unknown route is a 404 problem', async () => {
    const { app } = await givenApp();
    const response = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    assert.equal(response.statusCode, 404);
    const problem = problemOf(response);
    assert.equal(problem.code, 'NOT_FOUND');
    assert.equal(problem.detail, 'No route GET /nowhere');
  });

  test('a thrown AppError answers with its own status, code and message, whatever the response schemas', async () => {
    const { app } = await givenApp();
    const response = await app.inject({ method: 'GET', url: '/orders/1' });
    assert.equal(response.statusCode, 409);
    const problem = problemOf(response);
    assert.equal(problem.code, 'INVALID_TRANSITION');
    assert.equal(problem.detail, 'Order cannot change from SHIPPED to CANCELLED');
  });

  test('an unexpected error is a 500 that leaks nothing but is logged in full', async () => {
    const { app, lines } = await givenApp();
    const response = await app.inject({
      method: 'GET',
      url: '/boom',
      headers: { 'x-request-id': 'req-500' },
    });
    assert.equal(response.statusCode, 500);
    assert.equal(problemOf(response).code, 'INTERNAL');
    assert.doesNotMatch(response.body, /hunter2|secret\.ts|stack|at /);
    const logged = lines().find((line) => line.msg === 'request failed');
    assert.equal(logged?.requestId, 'req-500');
    assert.match(JSON.stringify(logged?.err), /hunter2/);
  });
});

describe('request ids', () => {
  test('an incoming x-request-id is echoed in the header, the problem instance and the log lines', async () => {
    const { app, lines } = await givenApp();
    const response = await app.inject({
      method: 'GET',
      url: '/nowhere',
      headers: { 'x-request-id': 'abc-123' },
    });
    assert.equal(response.headers['x-request-id'], 'abc-123');
    assert.equal(problemOf(response).instance, 'abc-123');
    assert.ok(lines().some((line) => line.requestId === 'abc-123'));
  });

  test('a missing or unsafe request id is replaced by a generated uuid', async () => {
    const { app } = await givenApp();
    const none = await app.inject({ method: 'GET', url: '/health' });
    const unsafe = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'a b\nforged' },
    });
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    assert.match(String(none.headers['x-request-id']), uuid);
    assert.match(String(unsafe.headers['x-request-id']), uuid);
  });
});

describe('operations routes', () => {
  test('/health answers 200 without running readiness checks', async () => {
    let ran = false;
    const { app } = await givenApp({ readiness: [{ name: 'database', check: () => (ran = true) }] });
    const response = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'alive' });
    assert.equal(ran, false);
  });

  test('/ready answers 200 when every check passes and 503 naming the failing one otherwise', async () => {
    const readiness: ReadinessCheck[] = [{ name: 'database', check: async () => undefined }];
    const { app } = await givenApp({ readiness });
    assert.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);

    readiness.push({ name: 'consumer', check: () => false });
    readiness.push({ name: 'kafka', check: () => Promise.reject(new Error('broker down')) });
    const response = await app.inject({ method: 'GET', url: '/ready' });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), {
      status: 'not_ready',
      checks: [
        { name: 'database', ok: true },
        { name: 'consumer', ok: false, error: 'reported not ready' },
        { name: 'kafka', ok: false, error: 'broker down' },
      ],
    });
  });

  test('/ready shows an informational check that fails, and stays ready', async () => {
    const readiness: ReadinessCheck[] = [
      { name: 'database', check: async () => undefined },
      {
        name: 'event flow',
        informational: true,
        check: () => Promise.reject(new Error('no heartbeat for 45 s')),
      },
    ];
    const { app } = await givenApp({ readiness });
    const response = await app.inject({ method: 'GET', url: '/ready' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      status: 'ready',
      checks: [
        { name: 'database', ok: true },
        { name: 'event flow', ok: false, error: 'no heartbeat for 45 s', informational: true },
      ],
    });
  });

  test('/ready counts a check that does not answer in time as failed', async () => {
    const hang: ReadinessCheck = { name: 'slow', check: () => new Promise(() => {}), timeoutMs: 50 };
    const { app } = await givenApp({ readiness: [hang] });
    const response = await app.inject({ method: 'GET', url: '/ready' });
    assert.equal(response.statusCode, 503);
    assert.match(response.body, /no answer within 50 ms/);
  });

  test('/metrics exposes process metrics and request durations labelled with the service and route', async () => {
    const { app } = await givenApp();
    await app.inject({ method: 'GET', url: '/items?limit=1' });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/plain/);
    assert.match(response.body, /process_cpu_user_seconds_total\{service="test"\}/);
    const count = response.body
      .split('\n')
      .find(
        (line) => line.startsWith('http_request_duration_seconds_count{') && line.includes('route="/items"'),
      );
    for (const label of ['service="test"', 'method="GET"', 'status_code="200"'])
      assert.ok(count?.includes(label), label);
    assert.ok(count?.endsWith(' 1'), count);
  });

  test('/openapi.json documents the service routes and hides the operations routes', async () => {
    const { app } = await givenApp();
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(response.statusCode, 200);
    const document = response.json() as { info: { title: string }; paths: Record<string, unknown> };
    assert.equal(document.info.title, 'Test API');
    assert.ok('/orders' in document.paths);
    for (const hidden of ['/health', '/ready', '/metrics', '/openapi.json']) {
      assert.ok(!(hidden in document.paths), hidden);
    }
  });

  test('/docs serves Swagger UI', async () => {
    const { app } = await givenApp();
    const response = await app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /swagger-ui/i);
  });
});

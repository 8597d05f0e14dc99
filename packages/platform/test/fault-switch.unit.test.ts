import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildHttpApp } from '../src/http/app.ts';
import {
  createFaultSwitch,
  type HttpOutage,
  httpOutageSchema,
  installHttpOutage,
  registerFaultRoutes,
} from '../src/http/fault-switch.ts';
import { createMetrics } from '../src/metrics.ts';
import { capturingLogger } from './log-capture.ts';

async function givenService() {
  const faults = createFaultSwitch<HttpOutage>();
  const app = await buildHttpApp({
    serviceName: 'sandbox',
    logger: capturingLogger().logger,
    metrics: createMetrics('sandbox'),
    openapi: { title: 'sandbox', version: '1' },
  });
  installHttpOutage(app, faults, {
    prefix: '/v1/',
    answer: (status) => ({ status, body: { error: { message: `outage ${status}` } } }),
  });
  registerFaultRoutes(app, { path: '/api/v1/outage', faults, faultSchema: httpOutageSchema, what: 'test' });
  app.get('/v1/things', { schema: { hide: true } }, async () => ({ things: [] }));
  await app.ready();
  return { app, faults };
}

describe('an outage switched on and off over HTTP', () => {
  test('unavailable: the API answers with the status asked for; the ops routes and the switch still answer', async () => {
    const { app } = await givenService();
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/outage',
      payload: { fault: { mode: 'unavailable', status: 502 } },
    });
    assert.equal(put.statusCode, 200, put.body);
    const started = put.json() as Record<string, unknown>;
    assert.deepEqual(
      { ...started, since: typeof started.since },
      { active: true, fault: { mode: 'unavailable', status: 502 }, since: 'string', until: null },
    );

    const during = await app.inject({ method: 'GET', url: '/v1/things' });
    assert.deepEqual([during.statusCode, during.json()], [502, { error: { message: 'outage 502' } }]);
    assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);

    const ended = await app.inject({ method: 'DELETE', url: '/api/v1/outage' });
    assert.deepEqual(ended.json(), { active: false, fault: null, since: null, until: null });
    assert.equal((await app.inject({ method: 'GET', url: '/v1/things' })).statusCode, 200);
  });

  test('hang: a request is held until the outage ends, then answered as usual; past maxMs it gets a 503', async () => {
    const { app, faults } = await givenService();
    faults.start({ mode: 'hang', maxMs: 60_000 });
    let settled = false;
    const held = app.inject({ method: 'GET', url: '/v1/things' }).then((response) => {
      settled = true;
      return response;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(settled, false, 'still held');
    faults.stop();
    assert.equal((await held).statusCode, 200);

    faults.start({ mode: 'hang', maxMs: 50 });
    assert.equal((await app.inject({ method: 'GET', url: '/v1/things' })).statusCode, 503);
  });

  test('an outage with a duration ends by itself; a bad fault is a 400', async () => {
    const { app, faults } = await givenService();
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/outage',
      payload: { fault: { mode: 'unavailable' }, durationMs: 50 },
    });
    assert.equal(typeof put.json().until, 'string');
    assert.deepEqual(faults.current(), { mode: 'unavailable', status: 503 });
    await faults.ended();
    assert.equal(faults.current(), null);

    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/outage',
      payload: { fault: { mode: 'sulk' } },
    });
    assert.equal(bad.statusCode, 400);
  });

  test('the routes are declared for operators only', async () => {
    const { app } = await givenService();
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operations = document.paths['/api/v1/outage'];
    assert.deepEqual(
      ['get', 'put', 'delete'].map((method) => operations[method]['x-access']),
      ['operator', 'operator', 'operator'],
    );
  });
});

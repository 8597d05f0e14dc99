import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createLogger, createMetrics } from '@microshop/platform';
import { eventFlowCheck } from '../src/clients/event-flow.ts';
import { MergedOpenApi } from '../src/clients/merged-openapi.ts';
import { UpstreamRegistry } from '../src/clients/upstreams.ts';
import { build } from '../src/http/routes.ts';

// The gateway's /ready shows whether events flow, as the operations service's /ready says, and stays
// ready while they do not: orders are still taken and wait in the outboxes.

/** An operations instance whose /ready reports the event flow it is told to. */
async function operationsReporting(flow: { ok: boolean; error?: string }) {
  const server = createServer((_req, res) => {
    res.writeHead(flow.ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ status: flow.ok ? 'ready' : 'not_ready', checks: [{ name: 'event flow', ...flow }] }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function gatewayReady(origins: string[]) {
  const upstreams = new UpstreamRegistry({ operations: origins }, { connections: 4, timeoutMs: 1000 });
  const app = await build({
    logger: createLogger({ service: 'gateway-test', level: 'silent' }),
    metrics: createMetrics('gateway-test'),
    readiness: [eventFlowCheck(upstreams, 500)],
    upstreams,
    rateLimit: { ratePerSecond: 1000, burst: 1000 },
    openapi: new MergedOpenApi(() => [], {
      info: { title: 't', version: '1', description: 'd' },
      cacheMs: 0,
      fetchTimeoutMs: 100,
    }),
    bodyLimitBytes: 1024,
    proxy: { timeoutMs: 1000, responseBufferBytes: 1024 },
  });
  after(async () => {
    await app.close();
    await upstreams.close();
  });
  const response = await app.inject({ method: 'GET', url: '/ready' });
  return { status: response.statusCode, body: response.json() };
}

describe('the gateway’s event flow on /ready', () => {
  it('is ok while operations says events flow', async () => {
    const ready = await gatewayReady([await operationsReporting({ ok: true })]);
    assert.deepEqual(ready, {
      status: 200,
      body: { status: 'ready', checks: [{ name: 'event flow', ok: true, informational: true }] },
    });
  });

  it('shows why not when they do not, and stays ready', async () => {
    const error = 'no heartbeat has come back through outbox → Debezium → Kafka for 45 s';
    const ready = await gatewayReady([await operationsReporting({ ok: false, error })]);
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.checks, [{ name: 'event flow', ok: false, error, informational: true }]);
  });

  it('says so when operations does not answer', async () => {
    const ready = await gatewayReady(['http://127.0.0.1:1']);
    assert.equal(ready.status, 200);
    assert.match(ready.body.checks[0].error, /operations at http:\/\/127\.0\.0\.1:1/);
  });
});

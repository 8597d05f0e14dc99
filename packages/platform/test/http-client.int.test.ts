import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import { createHttpClient, HttpCallFailed, type HttpClientOptions, type HttpRetry } from '../src/index.ts';

// The kit's HTTP client against real HTTP servers on port 0 that misbehave the ways another party
// does: 5xx, 429, no answer, no listener.

interface Seen {
  method: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A server answering the n-th request (1-based) with `answer`; `seen` lists what it received. */
async function serve(t: TestContext, answer: (response: ServerResponse, n: number) => void) {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ method: request.method, headers: request.headers, body: Buffer.concat(chunks).toString() });
      answer(response, seen.length);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function client(t: TestContext, baseUrl: string, overrides: Partial<HttpClientOptions> = {}) {
  const http = createHttpClient({
    name: 'test party',
    baseUrl,
    timeoutMs: 1_000,
    retry: { maxAttempts: 4, initialMs: 10, maxMs: 40, random: () => 1 },
    ...overrides,
  });
  t.after(() => http.close());
  return http;
}

const json = (status: number, body: unknown) => (response: ServerResponse) =>
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

async function failure(promise: Promise<unknown>): Promise<HttpCallFailed> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof HttpCallFailed, `an HttpCallFailed, got ${String(error)}`);
  assert.equal(error.retriable, true);
  return error;
}

describe('the kit HTTP client', () => {
  test('503 and 429 are retried with the same request until an answer, which comes back parsed', async (t) => {
    const server = await serve(t, (response, n) =>
      n === 1
        ? response.writeHead(503).end()
        : n === 2
          ? response.writeHead(429).end()
          : json(201, { id: 'x' })(response),
    );

    const answer = await client(t, server.url).send({
      method: 'POST',
      url: '/v1/things',
      json: { a: 1 },
      headers: { 'idempotency-key': 'k' },
    });

    assert.deepEqual(answer, { status: 201, body: { id: 'x' }, attempts: 3 });
    assert.deepEqual(
      server.seen.map((s) => [s.method, s.body, s.headers['idempotency-key'], s.headers['content-type']]),
      Array(3).fill(['POST', '{"a":1}', 'k', 'application/json']),
    );
  });

  test('another answer (a 4xx) is returned at once for the caller to read', async (t) => {
    const server = await serve(t, json(402, { error: 'declined' }));

    const answer = await client(t, server.url).send({ method: 'GET', url: '/x' });

    assert.deepEqual(answer, { status: 402, body: { error: 'declined' }, attempts: 1 });
  });

  test('waits double from the first up to the cap, with equal jitter; then it gives up naming the last answer', async (t) => {
    const server = await serve(t, json(503, { error: 'down' }));
    const retries: HttpRetry[] = [];
    const top = client(t, server.url, {
      retry: { maxAttempts: 5, initialMs: 10, maxMs: 40, random: () => 1 },
    });
    const bottom = client(t, server.url, {
      retry: { maxAttempts: 3, initialMs: 10, maxMs: 40, random: () => 0 },
    });

    const error = await failure(top.send({ method: 'GET', url: '/x', onRetry: (r) => retries.push(r) }));
    const halves: number[] = [];
    await failure(bottom.send({ method: 'GET', url: '/x', onRetry: (r) => halves.push(r.delayMs) }));

    assert.deepEqual(
      retries.map((r) => [r.attempt, r.delayMs]),
      [
        [1, 10],
        [2, 20],
        [3, 40],
        [4, 40],
      ],
    );
    assert.deepEqual(retries[0]?.problem, { kind: 'status', status: 503, body: { error: 'down' } });
    assert.deepEqual(halves, [5, 10]);
    assert.equal(error.code, 'BAD_GATEWAY');
    assert.equal(error.attempts, 5);
    assert.match(error.message, /^test party: GET \/x failed 5 times, last: HTTP 503: \{"error":"down"\}$/);
    assert.equal(server.seen.length, 8);
  });

  test('an attempt without an answer in time is retried, then ends in a TIMEOUT', async (t) => {
    const server = await serve(t, () => {});
    const started = Date.now();

    const error = await failure(
      client(t, server.url, { timeoutMs: 500, retry: { maxAttempts: 2, initialMs: 10, maxMs: 10 } }).send({
        method: 'GET',
        url: '/slow',
      }),
    );

    assert.equal(error.code, 'TIMEOUT');
    assert.match(error.message, /failed 2 times, last: TimeoutError: no answer within 500 ms/);
    assert.equal(server.seen.length, 2);
    // The silent server never answers: only the timeouts end the call (generous for a loaded machine).
    assert.ok(Date.now() - started < 5_000);
  });

  test('no listener is retried, then ends in UPSTREAM_UNAVAILABLE', async (t) => {
    const error = await failure(
      client(t, 'http://127.0.0.1:9', { retry: { maxAttempts: 2, initialMs: 1, maxMs: 1 } }).send({
        method: 'GET',
        url: '/',
      }),
    );

    assert.equal(error.code, 'UPSTREAM_UNAVAILABLE');
    assert.equal(error.attempts, 2);
    assert.match(error.message, /ECONNREFUSED/);
  });

  test('a stopping caller aborts at once, during a request and during the wait between attempts', async (t) => {
    const silent = await serve(t, () => {});
    const failing = await serve(t, (response) => response.writeHead(503).end());
    const http = client(t, silent.url, {
      timeoutMs: 10_000,
      retry: { maxAttempts: 3, initialMs: 10_000, maxMs: 10_000 },
    });
    const started = Date.now();

    const inRequest = failure(http.send({ method: 'GET', url: '/', signal: AbortSignal.timeout(50) }));
    const inWait = failure(
      http.send({ method: 'GET', url: `${failing.url}/`, signal: AbortSignal.timeout(1_000) }),
    );

    for (const error of [await inRequest, await inWait]) {
      assert.equal(error.reason.kind, 'aborted');
      assert.match(error.message, /aborted: the service is stopping/);
    }
    // Well under the 10 s the request or the wait would have taken without the aborts.
    assert.ok(Date.now() - started < 5_000);
    assert.equal(failing.seen.length, 1);
  });

  test('a client may retry other answers, and give each attempt its own headers', async (t) => {
    const server = await serve(t, (response, n) => response.writeHead(n < 3 ? 409 : 204).end());

    const answer = await client(t, server.url, {
      retry: {
        maxAttempts: 3,
        initialMs: 1,
        maxMs: 1,
        retryStatus: (status) => status < 200 || status >= 300,
      },
    }).send({
      method: 'POST',
      url: '/',
      body: 'raw',
      headers: (attempt) => ({ 'x-attempt': String(attempt) }),
    });

    assert.deepEqual(answer, { status: 204, body: null, attempts: 3 });
    assert.deepEqual(
      server.seen.map((s) => [s.headers['x-attempt'], s.body]),
      [
        ['1', 'raw'],
        ['2', 'raw'],
        ['3', 'raw'],
      ],
    );
  });

  test('with a circuit breaker, repeated failures stop further requests until it half-opens', async (t) => {
    const server = await serve(t, (response) => response.writeHead(500).end());
    const http = client(t, server.url, {
      retry: { maxAttempts: 1, initialMs: 1, maxMs: 1 },
      circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
    });

    await failure(http.send({ method: 'GET', url: '/' }));
    await failure(http.send({ method: 'GET', url: '/' }));
    const open = await failure(http.send({ method: 'GET', url: '/' }));

    assert.equal(open.reason.kind, 'circuit-open');
    assert.equal(server.seen.length, 2);
  });
});

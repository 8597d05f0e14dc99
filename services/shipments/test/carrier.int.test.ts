import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { type CleanupRegistrar, eventually } from '@microshop/platform/testing';
import { bookingKey } from '../src/domain/shipment.ts';
import { sandboxCarrier, startSandbox } from './harness.ts';

// The HTTP carrier adapter against the real sandbox, and against real HTTP servers that misbehave
// the ways a carrier does: 5xx, no answer, no listener.

type Handler = (request: IncomingMessage, response: ServerResponse, n: number) => void;

/** A real HTTP server on port 0 answering the n-th request (1-based) with `handler`. */
async function serve(
  t: CleanupRegistrar,
  handler: Handler,
): Promise<{ url: string; requests: () => number }> {
  let n = 0;
  const server = createServer((request, response) => handler(request, response, ++n));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => n };
}

/** Forwards a request to `target`, body and headers included. */
async function forward(target: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers = Object.entries(request.headers).filter(
    ([name]) => name !== 'host' && name !== 'content-length',
  );
  const answer = await fetch(`${target}${request.url}`, {
    method: request.method ?? 'GET',
    headers: Object.fromEntries(headers.map(([name, value]) => [name, String(value)])),
    ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
  });
  response.writeHead(answer.status, {
    'content-type': answer.headers.get('content-type') ?? 'application/json',
  });
  response.end(await answer.text());
}

function bookingFor(orderId: string, callbackUrl = 'http://127.0.0.1:9/cb') {
  return {
    orderId,
    idempotencyKey: bookingKey(orderId),
    parcels: [{ sku: 'JUMPERS', quantity: 1 }],
    callbackUrl,
  };
}

describe('the sandbox carrier adapter', () => {
  test('a carrier answering 503 twice is asked again with the same key and books once', async (t) => {
    const sandbox = await startSandbox(t);
    const flaky = await serve(t, (request, response, n) => {
      if (n <= 2) return void response.writeHead(503).end();
      void forward(sandbox.url, request, response);
    });
    const orderId = randomUUID();

    const booking = await sandboxCarrier(flaky.url, { maxAttempts: 3 }).book(bookingFor(orderId));

    assert.equal(flaky.requests(), 3);
    assert.deepEqual(
      sandbox.bookings(orderId).map((b) => b.id),
      [booking.carrierShipmentId],
    );
    assert.match(booking.trackingNumber, /^MS\d+$/);
  });

  test('a carrier that does not answer in time fails with a retriable TIMEOUT after every attempt', async (t) => {
    const silent = await serve(t, () => {});
    const carrier = sandboxCarrier(silent.url, { timeoutMs: 250, maxAttempts: 2 });

    await assert.rejects(
      carrier.book(bookingFor(randomUUID())),
      (error: { code?: string; retriable?: boolean; attempts?: number }) => {
        assert.deepEqual([error.code, error.retriable, error.attempts], ['TIMEOUT', true, 2]);
        return true;
      },
    );
    // The server may see the second request only after the client gave up on it.
    await eventually('both attempts at the carrier', async () => silent.requests() === 2);
  });

  test('a carrier that is down fails with a retriable UPSTREAM_UNAVAILABLE', async () => {
    const carrier = sandboxCarrier('http://127.0.0.1:9', { maxAttempts: 1 });

    await assert.rejects(
      carrier.book(bookingFor(randomUUID())),
      (error: { code?: string; retriable?: boolean }) => {
        assert.deepEqual([error.code, error.retriable], ['UPSTREAM_UNAVAILABLE', true]);
        return true;
      },
    );
  });

  test('with the circuit breaker on, a carrier that keeps failing is not called for a while: calls fail at once', async (t) => {
    const down = await serve(t, (_request, response) => response.writeHead(503).end());
    const carrier = sandboxCarrier(down.url, {
      maxAttempts: 2,
      circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
    });
    await assert.rejects(carrier.book(bookingFor(randomUUID())));
    const started = Date.now();

    await assert.rejects(
      carrier.book(bookingFor(randomUUID())),
      (error: { message: string; retriable?: boolean }) => {
        assert.match(error.message, /circuit is open/);
        assert.equal(error.retriable, true);
        return true;
      },
    );
    assert.equal(down.requests(), 2, 'the second booking never left');
    assert.ok(Date.now() - started < 100);
  });

  test('a booking refused as malformed is not retried and not retriable', async (t) => {
    const sandbox = await startSandbox(t);
    const counting = await serve(t, (request, response) => void forward(sandbox.url, request, response));
    const carrier = sandboxCarrier(counting.url);

    await assert.rejects(
      carrier.book({ ...bookingFor(randomUUID()), parcels: [] }),
      (error: { retriable?: boolean }) => {
        assert.equal(error.retriable, false);
        return true;
      },
    );
    assert.equal(counting.requests(), 1);
  });

  test('when the key was used with another callback URL, the earlier booking of the order is used', async (t) => {
    const sandbox = await startSandbox(t);
    const carrier = sandboxCarrier(sandbox.url);
    const orderId = randomUUID();
    const first = await carrier.book(bookingFor(orderId, 'http://127.0.0.1:9/old'));

    const again = await carrier.book(bookingFor(orderId, 'http://127.0.0.1:9/new'));

    assert.deepEqual(again, first);
    assert.equal(sandbox.bookings(orderId).length, 1);
  });

  test('cancelling an order cancels its live bookings, and says so again when asked again', async (t) => {
    const sandbox = await startSandbox(t);
    const carrier = sandboxCarrier(sandbox.url);
    const orderId = randomUUID();
    assert.equal(await carrier.cancelAll(orderId), 'nothing-booked');
    await carrier.book(bookingFor(orderId));

    assert.equal(await carrier.cancelAll(orderId), 'cancelled');
    assert.equal(await carrier.cancelAll(orderId), 'cancelled');
    assert.deepEqual(
      sandbox.bookings(orderId).map((b) => b.status),
      ['cancelled'],
    );
  });
});

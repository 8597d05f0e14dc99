import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetrics, type FaultSwitch, type HttpApp, type HttpOutage } from '@microshop/platform';
import { type CleanupRegistrar, serviceTestKit } from '@microshop/platform/testing';
import { build } from '../src/http/routes.ts';
import { service } from '../src/main.ts';
import { createShipmentStore, randomShipmentIds, type ShipmentStore } from '../src/store/shipments.ts';
import { type CallbackDispatcherOptions, createCallbackDispatcher } from '../src/tasks/callbacks.ts';

// What the sandbox tests share: the sandbox listening on port 0, and a real HTTP receiver for its
// callbacks whose answers a test scripts.

export const { logger } = serviceTestKit(service);

export interface Sandbox {
  url: string;
  app: HttpApp;
  store: ShipmentStore;
  /** Stops deliveries and HTTP, as a stopping process does (also done when the test ends). */
  stop(): Promise<void>;
}

export type SandboxOptions = Partial<Omit<CallbackDispatcherOptions, 'store' | 'logger'>>;

/**
 * The sandbox on a free port with fast deliveries and retries unless told otherwise; given a `store`
 * (read back from a journal) it resumes deliveries and callbacks as a restarted process does.
 */
export async function startSandbox(
  t: CleanupRegistrar,
  options: SandboxOptions = {},
  parts: { store?: ShipmentStore; faults?: FaultSwitch<HttpOutage> } = {},
): Promise<Sandbox> {
  const store = parts.store ?? createShipmentStore();
  const dispatcher = createCallbackDispatcher({
    store,
    deliveryDelayMs: 20,
    retry: { maxAttempts: 10, initialMs: 20, maxMs: 100 },
    timeoutMs: 1000,
    logger,
    ...options,
  });
  const app = await build({
    carrier: { store, dispatcher, newIds: randomShipmentIds, now: () => new Date() },
    logger,
    metrics: createMetrics('carrier-sandbox-test'),
    ...(parts.faults === undefined ? {} : { faults: parts.faults }),
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= dispatcher.stop().then(() => app.close());
    return stopping;
  };
  t.after(stop);
  await app.listen({ host: '127.0.0.1', port: 0 });
  if (parts.store !== undefined) dispatcher.resume();
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, store, stop };
}

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered with. */
  answered: number;
}

export interface Receiver {
  url: string;
  received: ReceivedCallback[];
}

/** A webhook receiver answering the n-th request (1-based) with `answer(n)`. */
export async function startReceiver(t: CleanupRegistrar, answer: (n: number) => number): Promise<Receiver> {
  const received: ReceivedCallback[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = answer(received.length + 1);
      received.push({
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        answered: status,
      });
      response.writeHead(status).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/callbacks/carrier`, received };
}

/** A booking body for `reference` calling back to `callbackUrl`. */
export function bookingBody(reference: string, callbackUrl = 'http://127.0.0.1:9/callbacks') {
  return { reference, parcels: [{ sku: 'JUMPERS', quantity: 2 }], callbackUrl };
}

export async function postBooking(
  sandbox: Sandbox,
  key: string | undefined,
  body: unknown,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== undefined) headers['idempotency-key'] = key;
  const response = await fetch(`${sandbox.url}/v1/shipments`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

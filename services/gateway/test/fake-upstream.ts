import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';

/**
 * A real HTTP server standing in for one instance of a microshop service. It records what reached
 * it and answers by path, so each integration test can provoke one upstream behaviour:
 * `/hang` never answers, `/reset` dies halfway through its answer, `/big` sends `bigSize` bytes,
 * `/events` sends one server-sent event and then holds the stream open,
 * a path with `missing` is a 404 problem, a malformed JSON body is a 400 problem.
 */

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeUpstream {
  name: string;
  origin: string;
  received: ReceivedRequest[];
  /** What GET /health answers: 200 when true, 503 when false. */
  healthy: boolean;
  /** Requests whose connection closed before they were answered (callers that gave up). */
  abandoned: number;
  stop(): Promise<void>;
}

export const bigSize = 200_000;

export async function startFakeUpstream(name: string, paths: readonly string[] = []): Promise<FakeUpstream> {
  const upstream: FakeUpstream = {
    name,
    origin: '',
    received: [],
    healthy: true,
    abandoned: 0,
    stop: async () => {},
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url !== '/health' && req.url !== '/openapi.json') {
        upstream.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      }
      answer(upstream, paths, req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stopped: Promise<void> | undefined;
  upstream.stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return stopped;
  };
  after(() => upstream.stop());
  return upstream;
}

type Responder = (res: ServerResponse) => void;

function answer(
  upstream: FakeUpstream,
  paths: readonly string[],
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
): void {
  responderFor(upstream, paths, req, body)(res);
}

function responderFor(
  upstream: FakeUpstream,
  paths: readonly string[],
  req: IncomingMessage,
  body: string,
): Responder {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/health') return (res) => json(res, upstream.healthy ? 200 : 503, { status: 'alive' });
  if (path === '/openapi.json') return (res) => json(res, 200, openapiDocument(upstream.name, paths));
  if (path.endsWith('/hang')) return (res) => res.on('close', () => upstream.abandoned++);
  if (path.endsWith('/reset')) return resetMidway;
  if (path.endsWith('/events')) {
    return (res) =>
      res.writeHead(200, { 'content-type': 'text/event-stream' }).write('event: order\ndata: {}\n\n');
  }
  if (path.endsWith('/big'))
    return (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(bigSize));
  if (path.includes('missing')) return (res) => problem(res, 404, 'NOT_FOUND', `${path} not found`);
  if (req.headers['content-type']?.startsWith('application/json') && body !== '' && !isJson(body)) {
    return (res) => problem(res, 400, 'MALFORMED_REQUEST', 'Request body is not valid JSON');
  }
  const echo = { instance: upstream.name, method: req.method, url: req.url, body };
  if (req.method !== 'POST') return (res) => json(res, 200, echo);
  return (res) => {
    res.setHeader('location', `${path}/0b7d8a55-1e2f-4a3b-8c9d-0e1f2a3b4c5d`);
    json(res, 201, echo);
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, code: string, detail: string): void {
  const body = { type: `/api/errors#${code.toLowerCase()}`, title: code, status, detail, code, errors: [] };
  res.writeHead(status, { 'content-type': 'application/problem+json' }).end(JSON.stringify(body));
}

/** Promises 1000 bytes, sends 10, then drops the connection. */
function resetMidway(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
  res.write('{"partial":');
  setTimeout(() => res.socket?.destroy(), 20);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function openapiDocument(name: string, paths: readonly string[]) {
  return {
    openapi: '3.1.0',
    info: { title: name, version: '1.0.0' },
    paths: Object.fromEntries(paths.map((p) => [p, { get: { operationId: `get ${p}` } }])),
    components: { schemas: { [`${name}Thing`]: { type: 'object' } } },
  };
}

import { Readable } from 'node:stream';
import {
  type AppError,
  badGateway,
  inTrace,
  isAppError,
  timedOut,
  upstreamUnavailable,
} from '@microshop/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import type { ServiceUpstreams, UpstreamInstance } from '../clients/upstreams.ts';
import { downstreamResponseHeaders, upstreamRequestHeaders } from '../domain/headers.ts';
import { classifyUpstreamError } from '../domain/upstream-errors.ts';

/**
 * Forwards one request to one instance of a service and sends its answer back.
 *
 * The answer is buffered up to `responseBufferBytes` before anything is sent, so an upstream that
 * fails halfway through an ordinary answer still becomes a clean 502 problem instead of a
 * truncated 200. Larger answers are streamed once the buffer is full; a failure after that point
 * can only cut the connection.
 */

export interface ProxyOptions {
  /** Deadline for the whole exchange up to the first byte sent back (connects, retries included). */
  timeoutMs: number;
  responseBufferBytes: number;
}

type UpstreamResponse = Dispatcher.ResponseData;

/** Marks our own deadline among the reasons a signal can abort with. */
class DeadlineExceeded extends Error {}
class ClientGone extends Error {}

export async function forward(
  request: FastifyRequest,
  reply: FastifyReply,
  upstreams: ServiceUpstreams,
  options: ProxyOptions,
): Promise<FastifyReply> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded()), options.timeoutMs);
  // A caller that hangs up (say, during a 30 s blocking GET) frees the upstream connection too.
  const onClose = () => {
    if (!reply.raw.writableFinished) controller.abort(new ClientGone());
  };
  reply.raw.once('close', onClose);
  try {
    const response = await send(request, upstreams, controller.signal);
    const head = await readHead(response.body, options.responseBufferBytes);
    return sendAnswer(request, reply, response, head);
  } catch (error) {
    if (controller.signal.reason instanceof ClientGone) {
      request.log.info({ service: upstreams.service }, 'caller went away; upstream request abandoned');
      return reply.hijack();
    }
    throw toProblem(error, controller.signal, upstreams.service, options.timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

/** Tries the healthy instances in turn while connections are refused; any other failure stops. */
async function send(
  request: FastifyRequest,
  upstreams: ServiceUpstreams,
  signal: AbortSignal,
): Promise<UpstreamResponse> {
  const candidates = upstreams.candidates();
  if (candidates.length === 0) {
    throw upstreamUnavailable(`No healthy instance of service ${upstreams.service}`);
  }
  for (const instance of candidates) {
    try {
      const response = await instance.pool.request(requestOptions(request, signal));
      return response;
    } catch (error) {
      if (signal.aborted || classifyUpstreamError(error) !== 'not-sent') throw error;
      markRefused(request, upstreams, instance, error);
    }
  }
  throw upstreamUnavailable(`No instance of service ${upstreams.service} could be reached`);
}

function markRefused(
  request: FastifyRequest,
  upstreams: ServiceUpstreams,
  instance: UpstreamInstance,
  error: unknown,
): void {
  const message = error instanceof Error ? error.message : String(error);
  request.log.warn({ service: upstreams.service, origin: instance.origin, err: error }, 'upstream refused');
  upstreams.recordConnectFailure(instance, message);
}

function requestOptions(request: FastifyRequest, signal: AbortSignal): Dispatcher.RequestOptions {
  const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : null;
  return {
    method: request.method as Dispatcher.HttpMethod,
    path: request.url,
    headers: upstreamRequestHeaders(request.headers, {
      clientIp: request.ip,
      requestId: request.id,
      host: request.headers.host,
      protocol: request.protocol,
      traced: inTrace(),
    }),
    body,
    signal,
  };
}

interface Head {
  chunks: Buffer[];
  /** Set when the answer is longer than the buffer: the rest is still to be read from here. */
  rest?: AsyncIterator<Buffer>;
}

async function readHead(body: AsyncIterable<Buffer>, limit: number): Promise<Head> {
  const iterator = body[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  while (size <= limit) {
    const next = await iterator.next();
    if (next.done === true) return { chunks };
    chunks.push(next.value);
    size += next.value.length;
  }
  return { chunks, rest: iterator };
}

function sendAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  response: UpstreamResponse,
  head: Head,
): FastifyReply {
  const headers = downstreamResponseHeaders(response.headers);
  // A HEAD answer has no body to measure, so the upstream's length is the only true one.
  const length = response.headers['content-length'];
  if (request.method === 'HEAD' && length !== undefined) headers['content-length'] = length;
  reply.code(response.statusCode).headers(headers);
  if (head.rest === undefined) return reply.send(Buffer.concat(head.chunks));
  return reply.send(Readable.from(replay(head.chunks, head.rest)));
}

async function* replay(chunks: readonly Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* chunks;
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
}

function toProblem(error: unknown, signal: AbortSignal, service: string, timeoutMs: number): AppError {
  if (isAppError(error)) return error;
  if (signal.reason instanceof DeadlineExceeded || classifyUpstreamError(error) === 'timeout') {
    return timedOut(`Service ${service} did not answer within ${timeoutMs} ms`, error);
  }
  const reason = error instanceof Error ? error.message : String(error);
  return badGateway(`Service ${service} failed while answering: ${reason}`, error);
}

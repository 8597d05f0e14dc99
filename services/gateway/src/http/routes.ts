import fastifyRateLimit from '@fastify/rate-limit';
import {
  AppError,
  buildHttpApp,
  type HttpApp,
  type HttpBase,
  rateLimited,
  upstreamUnavailable,
  upstreamVariable,
} from '@microshop/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MergedOpenApi } from '../clients/merged-openapi.ts';
import type { UpstreamRegistry } from '../clients/upstreams.ts';
import { type RateLimitSettings, rateWindow } from '../domain/rate-limit.ts';
import { matchRoute } from '../domain/routes.ts';
import { registerOpenApiRoutes } from './openapi.ts';
import { forward, type ProxyOptions } from './proxy.ts';

/**
 * The gateway's HTTP app, built without listening (the kit listens, tests inject or listen on 0).
 * Everything under `/api` sits in one scope with the rate limit and a raw-body parser: the gateway
 * never parses a body, it only bounds its size, so a malformed JSON body reaches the service and
 * gets the service's 400 rather than the gateway's opinion.
 */

export interface HttpDeps extends HttpBase {
  upstreams: UpstreamRegistry;
  rateLimit: RateLimit;
  openapi: MergedOpenApi;
  bodyLimitBytes: number;
  proxy: ProxyOptions;
  version?: string;
}

export interface RateLimit extends RateLimitSettings {
  /** Most clients tracked at once, least recently seen dropped first; default 100 000. */
  maxClients?: number;
}

export async function build({
  upstreams,
  rateLimit,
  openapi,
  bodyLimitBytes,
  proxy,
  version,
  ...base
}: HttpDeps) {
  const app: HttpApp = await buildHttpApp({
    serviceName: 'gateway',
    // `/ready` holds what the kit started (the health-check task), never the upstreams: they come and
    // go, and readiness must not flap with them. Their health is at GET /api/v1/_gateway/upstreams.
    ...base,
    bodyLimit: bodyLimitBytes,
    openapi: { title: 'microshop gateway', version: version ?? '0.1.0', docsPath: false },
  });
  await app.register(async (scope) =>
    registerApi(scope, { upstreams, rateLimit, openapi, bodyLimitBytes, proxy }),
  );
  return app;
}

async function registerApi(
  scope: FastifyInstance,
  deps: Pick<HttpDeps, 'upstreams' | 'rateLimit' | 'openapi' | 'bodyLimitBytes' | 'proxy'>,
): Promise<void> {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: deps.bodyLimitBytes },
    (_request, body, done) => done(null, body),
  );
  await limitRate(scope, deps.rateLimit);

  const hidden = { schema: { hide: true } };
  scope.get('/api/v1/_gateway/upstreams', hidden, async () => ({ services: deps.upstreams.report() }));
  await registerOpenApiRoutes(scope, deps.openapi);
  scope.all('/api/v1/*', hidden, (request, reply) => route(request, reply, deps));
}

/** No `x-ratelimit-*` headers: a refused client gets `Retry-After` and the problem, nothing more. */
const noCountHeaders = {
  'x-ratelimit-limit': false,
  'x-ratelimit-remaining': false,
  'x-ratelimit-reset': false,
} as const;

/**
 * Per client (its IP) on every route of the scope, checked on request before the body is read: a
 * refused request costs the gateway no upload. The 429 is the platform's problem (RATE_LIMITED).
 */
async function limitRate(scope: FastifyInstance, rateLimit: RateLimit): Promise<void> {
  const window = rateWindow(rateLimit);
  await scope.register(fastifyRateLimit, {
    global: true,
    hook: 'onRequest',
    max: window.max,
    timeWindow: window.timeWindowMs,
    cache: rateLimit.maxClients ?? 100_000,
    keyGenerator: (request) => request.ip,
    addHeadersOnExceeding: noCountHeaders,
    addHeaders: { ...noCountHeaders, 'retry-after': true },
    errorResponseBuilder: (request, context) =>
      rateLimited(`Too many requests from ${request.ip}; retry after ${Math.ceil(context.ttl / 1000)} s`),
  });
}

async function route(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: Pick<HttpDeps, 'upstreams' | 'proxy'>,
): Promise<FastifyReply> {
  const pathname = request.url.split('?', 1)[0] ?? request.url;
  const service = matchRoute(pathname);
  if (service === undefined) throw new AppError('NOT_FOUND', `No route ${request.method} ${pathname}`);
  const upstreams = deps.upstreams.get(service);
  if (upstreams === undefined) {
    throw upstreamUnavailable(
      `Service ${service} has no instances configured (${upstreamVariable(service)})`,
    );
  }
  return forward(request, reply, upstreams, deps.proxy);
}

import {
  AppError,
  buildHttpApp,
  type HttpApp,
  type HttpBase,
  isOperator,
  type Principal,
  unauthenticated,
  upstreamUnavailable,
  upstreamVariable,
} from '@microshop/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MergedOpenApi } from '../clients/merged-openapi.ts';
import type { UpstreamRegistry } from '../clients/upstreams.ts';
import { findRoute } from '../domain/routes.ts';
import { registerOpenApiRoutes } from './openapi.ts';
import { forward, type ProxyOptions } from './proxy.ts';
import { limitRate, type RateLimit } from './rate-limit.ts';
import { registerWeb } from './web.ts';

export type { RateLimit } from './rate-limit.ts';

/**
 * The gateway's HTTP app, built without listening (the kit listens, tests inject or listen on 0).
 * The kit's access control verifies any bearer token first (a bad one is a 401 here, before any
 * service); the token travels on to the service, which verifies it again and applies its routes'
 * declarations. Everything under `/api` sits in one scope with the rate limit and a raw-body parser:
 * the gateway never parses a body, it only bounds its size, so a malformed JSON body reaches the
 * service and gets the service's 400 rather than the gateway's opinion.
 */

export interface HttpDeps extends HttpBase {
  upstreams: UpstreamRegistry;
  rateLimit: RateLimit;
  openapi: MergedOpenApi;
  bodyLimitBytes: number;
  proxy: ProxyOptions;
  /** Proxies whose X-Forwarded-For names the client; default none. */
  trustedProxies?: readonly string[];
  /** How long a client may take to send its whole request. */
  requestTimeoutMs?: number;
  version?: string;
  /** The built web pages; none served when absent (tests of the API alone). */
  webRoot?: string;
}

export async function build({
  upstreams,
  rateLimit,
  openapi,
  bodyLimitBytes,
  proxy,
  trustedProxies,
  requestTimeoutMs,
  version,
  webRoot,
  ...base
}: HttpDeps) {
  const app: HttpApp = await buildHttpApp({
    serviceName: 'gateway',
    // `/ready` holds what the kit started (the health-check task), never the upstreams: they come and
    // go, and readiness must not flap with them. Their health is at GET /api/v1/_gateway/upstreams.
    ...base,
    bodyLimit: bodyLimitBytes,
    ...(trustedProxies === undefined ? {} : { trustProxy: trustedProxies }),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    // The gateway's port is the public one: its metrics are for operators.
    metricsAccess: 'operator',
    openapi: { title: 'microshop gateway', version: version ?? '0.1.0', docsPath: false },
  });
  await app.register(async (scope) =>
    registerApi(scope, { upstreams, rateLimit, openapi, bodyLimitBytes, proxy }),
  );
  if (webRoot !== undefined) await app.register(async (scope) => registerWeb(scope, webRoot));
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

  const operators = { schema: { hide: true, 'x-access': 'operator' as const } };
  scope.get('/api/v1/_gateway/upstreams', operators, async () => ({ services: deps.upstreams.report() }));
  await registerOpenApiRoutes(scope, deps.openapi);
  // Public here: each service guards its own routes; `route` keeps operator-only paths to operators.
  const proxied = { schema: { hide: true, 'x-access': 'public' as const } };
  scope.all('/api/v1/*', proxied, (request, reply) => route(request, reply, deps));
}

async function route(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: Pick<HttpDeps, 'upstreams' | 'proxy'>,
): Promise<FastifyReply> {
  const pathname = request.url.split('?', 1)[0] ?? request.url;
  const rule = findRoute(pathname);
  if (rule === undefined) throw new AppError('NOT_FOUND', `No route ${request.method} ${pathname}`);
  if (rule.operatorsOnly) assertOperator(request.principal);
  const { service } = rule;
  const upstreams = deps.upstreams.get(service);
  if (upstreams === undefined) {
    throw upstreamUnavailable(
      `Service ${service} has no instances configured (${upstreamVariable(service)})`,
    );
  }
  return forward(request, reply, upstreams, deps.proxy);
}

/** The mail sink and the operator views are not reached through the gateway without the operator role. */
function assertOperator(principal: Principal | undefined): void {
  if (principal === undefined) throw unauthenticated('this route needs a bearer access token');
  if (!isOperator(principal)) throw new AppError('FORBIDDEN', 'operators only');
}

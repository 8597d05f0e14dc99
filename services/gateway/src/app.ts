import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  AppError,
  buildHttpApp,
  type HttpApp,
  type Logger,
  type Registry,
  rateLimited,
  sendProblem,
  upstreamUnavailable,
} from '@microshop/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimiter } from './domain/rate-limit.ts';
import { matchRoute, upstreamVariable } from './domain/routes.ts';
import type { MergedOpenApi } from './openapi.ts';
import { forward, type ProxyOptions } from './proxy.ts';
import type { UpstreamRegistry } from './upstreams.ts';

/**
 * The gateway's HTTP app, built without listening (main listens, tests inject or listen on 0).
 * Everything under `/api` sits in one scope with the rate limit and a raw-body parser: the gateway
 * never parses a body, it only bounds its size, so a malformed JSON body reaches the service and
 * gets the service's 400 rather than the gateway's opinion.
 */

export interface GatewayDeps {
  logger: Logger;
  metrics: Registry;
  upstreams: UpstreamRegistry;
  rateLimiter: RateLimiter;
  openapi: MergedOpenApi;
  bodyLimitBytes: number;
  proxy: ProxyOptions;
  version?: string;
}

export async function build(deps: GatewayDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'gateway',
    logger: deps.logger,
    metrics: deps.metrics,
    bodyLimit: deps.bodyLimitBytes,
    // `/ready` means the gateway itself is up: upstreams come and go, readiness must not flap with
    // them. Their health is at GET /api/v1/_gateway/upstreams.
    readiness: [],
    openapi: { title: 'microshop gateway', version: deps.version ?? '0.1.0', docsPath: false },
  });
  await app.register(async (scope) => registerApi(scope, deps));
  return app;
}

async function registerApi(scope: FastifyInstance, deps: GatewayDeps): Promise<void> {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: deps.bodyLimitBytes },
    (_request, body, done) => done(null, body),
  );
  scope.addHook('onRequest', (request, reply) => limitRate(request, reply, deps.rateLimiter));

  const hidden = { schema: { hide: true } };
  scope.get('/api/v1/_gateway/upstreams', hidden, async () => ({ services: deps.upstreams.report() }));
  scope.get('/api/openapi.json', hidden, async () => deps.openapi.get());
  await registerDocs(scope, deps.openapi);
  scope.all('/api/v1/*', hidden, (request, reply) => route(request, reply, deps));
}

/** Answers 429 itself; fastify then skips the handler because the hook returned the reply. */
async function limitRate(
  request: FastifyRequest,
  reply: FastifyReply,
  limiter: RateLimiter,
): Promise<FastifyReply | undefined> {
  const decision = limiter.take(request.ip);
  if (decision.allowed) return undefined;
  reply.header('retry-after', String(decision.retryAfterSeconds));
  const message = `Too many requests from ${request.ip}; retry after ${decision.retryAfterSeconds} s`;
  return sendProblem(reply, rateLimited(message));
}

async function route(request: FastifyRequest, reply: FastifyReply, deps: GatewayDeps): Promise<FastifyReply> {
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

/**
 * Swagger UI always loads its document from `<prefix>/json`, which the plugin answers from a
 * synchronous transform; the hook makes sure the merged document is fresh before that runs.
 */
async function registerDocs(scope: FastifyInstance, openapi: MergedOpenApi): Promise<void> {
  await scope.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    uiHooks: {
      preHandler: async (request: FastifyRequest) => {
        if (/\/(json|yaml)$/.test(request.url.split('?', 1)[0] ?? '')) await openapi.get();
      },
    },
    transformSpecification: () => openapi.latest() as unknown as Readonly<Record<string, unknown>>,
    transformSpecificationClone: false,
  });
}

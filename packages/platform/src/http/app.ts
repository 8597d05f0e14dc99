import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { httpRequestDuration } from '../metrics.ts';
import { type AccessControlOptions, installAccessControl } from './access.ts';
import { type ReadinessCheck, registerOpsRoutes } from './ops-routes.ts';
import { problemContentType, toAppError, toProblem } from './problem.ts';

export type HttpApp = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface HttpAppOptions {
  serviceName: string;
  logger: Logger;
  metrics: Registry;
  /** Checks behind `GET /ready`; read on every request, so checks pushed later count too. */
  readiness?: ReadinessCheck[];
  /**
   * Verifies bearer tokens and enforces each route's declared `x-access` (see access.ts). Every route
   * must then declare who may call it, or the app refuses to build.
   */
  access?: AccessControlOptions;
  /** Largest accepted request body in bytes; default 256 KiB (an order with many lines fits). */
  bodyLimit?: number;
  /**
   * The proxies whose `X-Forwarded-For` names the client (addresses or CIDR ranges); default none,
   * so `request.ip` is the connection's peer and no caller can pick the address it is counted under.
   */
  trustProxy?: readonly string[];
  /** How long a client may take to send a whole request (headers and body); default Node's 300 s. */
  requestTimeoutMs?: number;
  /** Who may read `/metrics`: anyone reaching the port by default; `operator` on a public port. */
  metricsAccess?: 'public' | 'operator';
  openapi: {
    title: string;
    version: string;
    description?: string;
    /** Where the OpenAPI JSON is served; default `/openapi.json`. */
    jsonPath?: string;
    /** Where Swagger UI is served; default `/docs`; `false` for none. */
    docsPath?: string | false;
  };
}

export const requestIdHeader = 'x-request-id';

/** What we accept from a caller as a request id: short and safe to print in a log line. */
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds a service's HTTP app without listening: `main` calls `listen`, tests call `inject`.
 * Async because the OpenAPI plugin must be loaded before routes are added for it to see them.
 */
export async function buildHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    ...(options.trustProxy && options.trustProxy.length > 0 ? { trustProxy: [...options.trustProxy] } : {}),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeout: options.requestTimeoutMs }),
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: (request) => incomingRequestId(request) ?? randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body must be a 415, not a string that fails validation as a 400.
  app.removeContentTypeParser('text/plain');

  installRequestId(app);
  installDurationHistogram(app, options.metrics);
  installProblemHandlers(app);
  if (options.access) installAccessControl(app, options.access);
  await registerOpenApi(app, options);
  registerOpsRoutes(app, {
    metrics: options.metrics,
    readiness: options.readiness ?? [],
    ...(options.metricsAccess === undefined ? {} : { metricsAccess: options.metricsAccess }),
  });
  return app;
}

function incomingRequestId(request: IncomingMessage): string | undefined {
  const value = request.headers[requestIdHeader];
  return typeof value === 'string' && acceptableRequestId.test(value) ? value : undefined;
}

function installRequestId(app: HttpApp): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(requestIdHeader, request.id);
  });
}

function installDurationHistogram(app: HttpApp, metrics: Registry): void {
  const histogram = httpRequestDuration(metrics);
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: ids in URLs would make one series per order.
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status_code: String(reply.statusCode) };
    histogram.observe(labels, reply.elapsedTime / 1000);
  });
}

function installProblemHandlers(app: HttpApp): void {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error, request);
    if (appError.status >= 500) {
      request.log.error({ err: error, code: appError.code }, 'request failed');
    } else {
      request.log.info({ code: appError.code, detail: appError.message }, 'request refused');
    }
    return sendProblem(reply, appError);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return sendProblem(reply, new AppError('NOT_FOUND', `No route ${request.method} ${path}`));
  });
}

/**
 * Sends an AppError as problem+json. The body is serialised here, as a string, so that a route's
 * response schema for the same status can never reshape or reject an error answer.
 */
export function sendProblem(reply: FastifyReply, error: AppError): FastifyReply {
  const problem = toProblem(error, reply.request.id);
  return reply.status(problem.status).type(problemContentType).send(JSON.stringify(problem));
}

async function registerOpenApi(app: HttpApp, options: HttpAppOptions): Promise<void> {
  const { title, version, description } = options.openapi;
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title, version, ...(description === undefined ? {} : { description }) },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  const jsonPath = options.openapi.jsonPath ?? '/openapi.json';
  app.get(jsonPath, { schema: { hide: true } }, async () => app.swagger());
  const docsPath = options.openapi.docsPath ?? '/docs';
  if (docsPath !== false) {
    await app.register(fastifySwaggerUi, { routePrefix: docsPath });
  }
}

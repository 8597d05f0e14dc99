import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import {
  bearerToken,
  isOperator,
  type Principal,
  type TokenVerifier,
  unauthenticated,
} from '../auth/principal.ts';
import { AppError } from '../errors.ts';
import { problemDetailsSchema } from './problem.ts';

/**
 * Who may call a route, declared next to its schema as `'x-access'` (it shows in the OpenAPI document,
 * where the authorization test and the gateway read it):
 *
 *   public     anyone, no token needed
 *   signed-in  any signed-in principal
 *   customer   a signed-in customer, acting as themselves (an operator gets 403)
 *   operator   operators only (a customer gets 403)
 *   owner      the customer the resource belongs to, or an operator; the route calls `assertOwner`,
 *              and anyone else gets the same 404 as for a resource that does not exist
 *
 * Without a token every route but a public one answers 401. An app built with access control refuses
 * to start with a route that declares nothing, so no route is open by omission.
 */
export const accessLevels = ['public', 'signed-in', 'customer', 'operator', 'owner'] as const;
export type Access = (typeof accessLevels)[number];
export const accessKey = 'x-access';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; undefined on a public route called without a token. */
    principal?: Principal;
  }
  interface FastifySchema {
    'x-access'?: Access;
  }
  interface FastifyContextConfig {
    /** Copied from the schema's `x-access` when the route is added. */
    access?: Access;
  }
}

export interface AccessControlOptions {
  verify: TokenVerifier;
}

export function installAccessControl(app: FastifyInstance, options: AccessControlOptions): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', (route) => {
    const access = declaredAccess(route);
    route.config = { ...route.config, access };
    if (access !== 'public' && route.schema && !route.schema.hide) {
      route.schema = {
        ...route.schema,
        security: [{ bearer: [] }],
        response: withAuthAnswers(route, access),
      };
    }
  });
  app.addHook('onRequest', async (request) => {
    // A request that matched no route (the 404 handler) has no declaration: nothing to guard.
    const access = request.routeOptions.config.access ?? 'public';
    const token = bearerToken(headerOf(request));
    if (token !== undefined) request.principal = await options.verify(token);
    if (access !== 'public') assertAccess(access, request.principal);
  });
  // RFC 6750: a 401 names the scheme the caller should use.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="microshop"');
    return payload;
  });
}

function declaredAccess(route: RouteOptions): Access {
  const schema = route.schema as Record<string, unknown> | undefined;
  const access = schema?.[accessKey];
  if (schema?.hide === true && access === undefined) return 'public'; // /health, /ready, /metrics, docs
  if (typeof access === 'string' && (accessLevels as readonly string[]).includes(access))
    return access as Access;
  const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
  throw new Error(
    `route ${method} ${route.url} declares no access: add schema['${accessKey}'] (one of ${accessLevels.join(', ')})`,
  );
}

/** The document names the 401 every guarded route can answer, and the 403 of a role it refuses. */
function withAuthAnswers(route: RouteOptions, access: Exclude<Access, 'public'>): Record<string, unknown> {
  const response = (route.schema?.response ?? {}) as Record<string, unknown>;
  const refuses = access === 'operator' || access === 'customer';
  return {
    401: problemDetailsSchema,
    ...(refuses ? { 403: problemDetailsSchema } : {}),
    ...response,
  };
}

function assertAccess(access: Exclude<Access, 'public'>, principal: Principal | undefined): void {
  if (principal === undefined) throw unauthenticated('this route needs a bearer access token');
  if (access === 'operator' && !isOperator(principal)) throw forbidden('operators only');
  if (access === 'customer' && !principal.roles.includes('customer')) throw forbidden('customers only');
}

function forbidden(detail: string): AppError {
  return new AppError('FORBIDDEN', detail);
}

function headerOf(request: FastifyRequest): string | undefined {
  const value = request.headers.authorization;
  return Array.isArray(value) ? value[0] : value;
}

/**
 * For `owner` routes: passes for the resource's own customer and for operators; anyone else gets the
 * 404 a missing resource gets, so an id reveals nothing about whether it exists.
 */
export function assertOwner(request: FastifyRequest, ownerId: string, what: string): void {
  const principal = request.principal;
  if (principal === undefined) throw unauthenticated('this route needs a bearer access token');
  if (isOperator(principal) || principal.subject === ownerId) return;
  throw new AppError('NOT_FOUND', `${what} not found`);
}

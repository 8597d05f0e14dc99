import fastifyRateLimit from '@fastify/rate-limit';
import { rateLimited } from '@microshop/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type RateLimitSettings, type RateWindow, rateWindow } from '../domain/rate-limit.ts';
import { type RouteGroup, routeGroup, routeGroups } from '../domain/routes.ts';

/**
 * The gateway's rate limits (@fastify/rate-limit): one count per route group and caller. The caller
 * is the verified principal (its token's subject) when there is one, else the client's address (the
 * connection's peer, or what a trusted proxy says in X-Forwarded-For). Counted on request, after the
 * token is verified and before the body is read: a refused request costs no upload.
 */

export interface RateLimit extends RateLimitSettings {
  /** Other limits for some groups; a group not named here gets the limit above. */
  groups?: Partial<Record<RouteGroup, RateLimitSettings>>;
  /** Most callers tracked at once, least recently seen dropped first; default 100 000. */
  maxClients?: number;
}

/** No `x-ratelimit-*` headers: a refused client gets `Retry-After` and the problem, nothing more. */
const noCountHeaders = {
  'x-ratelimit-limit': false,
  'x-ratelimit-remaining': false,
  'x-ratelimit-reset': false,
} as const;

export async function limitRate(scope: FastifyInstance, rateLimit: RateLimit): Promise<void> {
  const windows = windowsOf(rateLimit);
  const windowOf = (key: string) => windows[groupOfKey(key)];
  await scope.register(fastifyRateLimit, {
    global: true,
    hook: 'onRequest',
    max: (_request, key) => windowOf(key).max,
    timeWindow: (_request, key) => windowOf(key).timeWindowMs,
    cache: rateLimit.maxClients ?? 100_000,
    keyGenerator: (request) => `${groupOf(request)}:${callerOf(request)}`,
    addHeadersOnExceeding: noCountHeaders,
    addHeaders: { ...noCountHeaders, 'retry-after': true },
    errorResponseBuilder: (request, context) =>
      rateLimited(
        `Too many requests from ${request.principal?.subject ?? request.ip}; retry after ${Math.ceil(context.ttl / 1000)} s`,
      ),
  });
}

function windowsOf(rateLimit: RateLimit): Record<RouteGroup, RateWindow> {
  const entries = routeGroups.map((group) => [group, rateWindow(rateLimit.groups?.[group] ?? rateLimit)]);
  return Object.fromEntries(entries) as Record<RouteGroup, RateWindow>;
}

function groupOf(request: FastifyRequest): RouteGroup {
  return routeGroup(request.method, request.url.split('?', 1)[0] ?? request.url);
}

function groupOfKey(key: string): RouteGroup {
  const group = key.slice(0, key.indexOf(':'));
  return (routeGroups as readonly string[]).includes(group) ? (group as RouteGroup) : 'read';
}

function callerOf(request: FastifyRequest): string {
  return request.principal === undefined ? `address:${request.ip}` : `subject:${request.principal.subject}`;
}

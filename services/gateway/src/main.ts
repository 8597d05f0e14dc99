import { defineService, type Logger, runStandalone, upstreamVariable } from '@microshop/platform';
import { eventFlowCheck } from './clients/event-flow.ts';
import { probeAll } from './clients/health-checks.ts';
import { MergedOpenApi } from './clients/merged-openapi.ts';
import { UpstreamRegistry } from './clients/upstreams.ts';
import { type GatewayConfig, gatewayConfig, rateLimitsOf, upstreamOrigins } from './config.ts';
import { findRoute, serviceNames } from './domain/routes.ts';
import { build } from './http/routes.ts';

// The gateway's one wiring place: config → upstream pools → a first round of health checks → HTTP
// (rate limit, merged OpenAPI, proxy) → health checks every HEALTH_INTERVAL_MS. No database, no
// Kafka. The stack runner starts it last and waits for GET /ready.

export const service = defineService({
  name: 'gateway',
  config: gatewayConfig,
  wire: async ({ config, logger, onStop }) => {
    const upstreams = upstreamRegistry(config, logger);
    onStop('upstream pools', () => upstreams.close());
    const health = { timeoutMs: config.HEALTH_TIMEOUT_MS, failureThreshold: config.HEALTH_FAILURE_THRESHOLD };
    // One round before taking traffic, so an instance that is down at start is never tried.
    await probeAll(upstreams, health);
    return {
      http: (base) =>
        build({
          ...base,
          upstreams,
          rateLimit: { ...rateLimitsOf(config).read, groups: rateLimitsOf(config) },
          openapi: mergedOpenApi(upstreams, config),
          bodyLimitBytes: config.BODY_LIMIT_BYTES,
          proxy: { timeoutMs: config.UPSTREAM_TIMEOUT_MS, responseBufferBytes: config.RESPONSE_BUFFER_BYTES },
          trustedProxies: config.TRUSTED_PROXIES,
          requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
          webRoot: config.WEB_ROOT,
        }),
      tasks: {
        'health checks': { intervalMs: config.HEALTH_INTERVAL_MS, run: () => probeAll(upstreams, health) },
      },
      // Shown on /ready, never failing it (see clients/event-flow.ts).
      readiness:
        config.UPSTREAM_OPERATIONS.length > 0 ? [eventFlowCheck(upstreams, config.HEALTH_TIMEOUT_MS)] : [],
    };
  },
});

/** The configured services' instances, each change of an instance's health logged. */
function upstreamRegistry(config: GatewayConfig, logger: Logger): UpstreamRegistry {
  const origins = upstreamOrigins(config);
  const missing = serviceNames.filter((name) => origins[name].length === 0);
  if (missing.length > 0) {
    logger.warn({ services: missing, variables: missing.map(upstreamVariable) }, 'services not routed (503)');
  }
  const pools = { connections: config.UPSTREAM_CONNECTIONS, timeoutMs: config.UPSTREAM_TIMEOUT_MS };
  return new UpstreamRegistry(origins, pools, (change) =>
    change.healthy
      ? logger.info(change, 'upstream instance back in rotation')
      : logger.warn(change, 'upstream instance taken out of rotation'),
  );
}

function mergedOpenApi(upstreams: UpstreamRegistry, config: GatewayConfig): MergedOpenApi {
  return new MergedOpenApi(() => upstreams.all(), {
    info: {
      title: 'microshop API',
      version: '0.1.0',
      description: 'Every microshop service behind the gateway, merged from their own documents.',
    },
    cacheMs: config.OPENAPI_CACHE_MS,
    fetchTimeoutMs: config.HEALTH_TIMEOUT_MS * 2,
    routed: (path) => findRoute(path) !== undefined,
  });
}

if (import.meta.main) await runStandalone(service);

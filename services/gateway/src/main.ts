// The gateway's one wiring place: config → upstream pools → health checks → rate limiter →
// merged OpenAPI → HTTP. The stack runner starts it last and waits for GET /ready.
import { createMetrics, runService } from '@microshop/platform';
import { build } from './app.ts';
import { type GatewayConfig, gatewayConfig, upstreamOrigins } from './config.ts';
import { RateLimiter } from './domain/rate-limit.ts';
import { serviceNames, upstreamVariable } from './domain/routes.ts';
import { startHealthChecks } from './health-checker.ts';
import { MergedOpenApi } from './openapi.ts';
import { UpstreamRegistry } from './upstreams.ts';

await runService({
  name: 'gateway',
  config: gatewayConfig,
  start: async ({ config, logger, onStop }) => {
    const origins = upstreamOrigins(config);
    const missing = serviceNames.filter((service) => origins[service].length === 0);
    if (missing.length > 0) {
      logger.warn(
        { services: missing, variables: missing.map(upstreamVariable) },
        'services not routed (503)',
      );
    }
    const upstreams = new UpstreamRegistry(origins, poolOptions(config), (change) =>
      change.healthy
        ? logger.info(change, 'upstream instance back in rotation')
        : logger.warn(change, 'upstream instance taken out of rotation'),
    );
    onStop('upstream pools', () => upstreams.close());

    const checker = startHealthChecks(upstreams, {
      intervalMs: config.HEALTH_INTERVAL_MS,
      timeoutMs: config.HEALTH_TIMEOUT_MS,
      failureThreshold: config.HEALTH_FAILURE_THRESHOLD,
      logger,
    });
    onStop('health checks', () => checker.stop());
    // One round before taking traffic, so an instance that is down at start is never tried.
    await checker.probeAll();

    const app = await build({
      logger,
      metrics: createMetrics('gateway'),
      upstreams,
      rateLimiter: new RateLimiter({
        ratePerSecond: config.RATE_LIMIT_RPS,
        burst: config.RATE_LIMIT_BURST,
        now: Date.now,
      }),
      openapi: new MergedOpenApi(() => upstreams.all(), {
        info: {
          title: 'microshop API',
          version: '0.1.0',
          description: 'Every microshop service behind the gateway, merged from their own documents.',
        },
        cacheMs: config.OPENAPI_CACHE_MS,
        fetchTimeoutMs: config.HEALTH_TIMEOUT_MS * 2,
      }),
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      proxy: { timeoutMs: config.UPSTREAM_TIMEOUT_MS, responseBufferBytes: config.RESPONSE_BUFFER_BYTES },
    });
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    onStop('http', () => app.close());
  },
});

function poolOptions(config: GatewayConfig) {
  return { connections: config.UPSTREAM_CONNECTIONS, timeoutMs: config.UPSTREAM_TIMEOUT_MS };
}

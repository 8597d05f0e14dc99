import type { Logger } from '@microshop/platform';
import { classifyUpstreamError } from './domain/upstream-errors.ts';
import type { ServiceUpstreams, UpstreamInstance, UpstreamRegistry } from './upstreams.ts';

/**
 * Active health checks: every `intervalMs`, `GET /health` on every instance of every service.
 * A round starts only after the previous one ended (a chain of timeouts, not an interval), so a
 * slow upstream can never pile up probes.
 */

export interface HealthCheckOptions {
  intervalMs: number;
  /** A probe without an answer by then counts as failed. */
  timeoutMs: number;
  /** Failed probes in a row that take an instance out. */
  failureThreshold: number;
  logger: Logger;
}

export interface HealthChecker {
  /** Probes every instance once, now. */
  probeAll(): Promise<void>;
  stop(): void;
}

export function startHealthChecks(registry: UpstreamRegistry, options: HealthCheckOptions): HealthChecker {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const probeAll = async (): Promise<void> => {
    await Promise.all(
      registry
        .all()
        .flatMap((upstreams) => upstreams.instances.map((instance) => probe(upstreams, instance, options))),
    );
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      probeAll()
        .catch((error: unknown) => options.logger.error({ err: error }, 'health check round failed'))
        .finally(schedule);
    }, options.intervalMs);
    // Health checks alone must not keep the process alive once everything else has stopped.
    timer.unref();
  };
  schedule();
  return {
    probeAll,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

async function probe(
  upstreams: ServiceUpstreams,
  instance: UpstreamInstance,
  options: HealthCheckOptions,
): Promise<void> {
  try {
    const response = await instance.pool.request({
      path: '/health',
      method: 'GET',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await response.body.dump();
    if (response.statusCode >= 200 && response.statusCode < 300) {
      upstreams.recordSuccess(instance);
    } else {
      upstreams.recordProbeFailure(instance, options.failureThreshold, `GET /health: ${response.statusCode}`);
    }
  } catch (error) {
    const message = `GET /health: ${error instanceof Error ? error.message : String(error)}`;
    // Nothing listening is conclusive at once; a slow answer may be load, so it needs a streak.
    if (classifyUpstreamError(error) === 'not-sent') upstreams.recordConnectFailure(instance, message);
    else upstreams.recordProbeFailure(instance, options.failureThreshold, message);
  }
}

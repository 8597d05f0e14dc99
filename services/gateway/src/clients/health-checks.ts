import { classifyUpstreamError } from '../domain/upstream-errors.ts';
import type { ServiceUpstreams, UpstreamInstance, UpstreamRegistry } from './upstreams.ts';

/**
 * Active health checks: `GET /health` on every instance of every service, all at once. main runs
 * one round before taking traffic and then one every `HEALTH_INTERVAL_MS` as the kit's periodic
 * task (a round starts only after the previous one ended, so a slow upstream never piles up probes).
 */

export interface HealthCheckOptions {
  /** A probe without an answer by then counts as failed. */
  timeoutMs: number;
  /** Failed probes in a row that take an instance out. */
  failureThreshold: number;
}

/** Probes every instance once, now. Never throws: what a probe saw goes into the instance's health. */
export async function probeAll(registry: UpstreamRegistry, options: HealthCheckOptions): Promise<void> {
  await Promise.all(
    registry
      .all()
      .flatMap((upstreams) => upstreams.instances.map((instance) => probe(upstreams, instance, options))),
  );
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

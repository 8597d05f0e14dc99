import { Pool } from 'undici';
import {
  afterConnectFailure,
  afterProbeFailure,
  afterSuccess,
  type InstanceHealth,
  initialHealth,
  RoundRobin,
} from '../domain/balancer.ts';
import type { ServiceName } from '../domain/routes.ts';

/**
 * The instances of every configured service, each with its own keep-alive connection pool and
 * health state. The proxy asks a service for the instances to try; the health checker and the
 * proxy report what they saw.
 */

export interface PoolOptions {
  /** Most open connections per instance; further requests queue in the pool. */
  connections: number;
  /** Backstop for a stalled upstream; the proxy's own deadline normally fires first. */
  timeoutMs: number;
}

export class UpstreamInstance {
  readonly origin: string;
  readonly pool: Pool;
  health: InstanceHealth = initialHealth;

  constructor(origin: string, options: PoolOptions) {
    this.origin = origin;
    this.pool = new Pool(origin, {
      connections: options.connections,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: { timeout: Math.min(options.timeoutMs, 5000) },
    });
  }
}

export interface HealthChange {
  service: ServiceName;
  origin: string;
  healthy: boolean;
  error?: string;
}

export class ServiceUpstreams {
  readonly service: ServiceName;
  readonly instances: readonly UpstreamInstance[];
  readonly #roundRobin = new RoundRobin();
  readonly #onChange: (change: HealthChange) => void;

  constructor(
    service: ServiceName,
    origins: readonly string[],
    options: PoolOptions,
    onChange: (change: HealthChange) => void,
  ) {
    this.service = service;
    this.instances = origins.map((origin) => new UpstreamInstance(origin, options));
    this.#onChange = onChange;
  }

  /** The healthy instances, rotated for this request; empty when all are down. */
  candidates(): UpstreamInstance[] {
    const order = this.#roundRobin.next(this.instances.map((instance) => instance.health));
    return order.flatMap((index) => this.instances[index] ?? []);
  }

  recordSuccess(instance: UpstreamInstance): void {
    this.#update(instance, afterSuccess(instance.health));
  }

  recordProbeFailure(instance: UpstreamInstance, failureThreshold: number, error: string): void {
    this.#update(instance, afterProbeFailure(instance.health, failureThreshold, error));
  }

  recordConnectFailure(instance: UpstreamInstance, error: string): void {
    this.#update(instance, afterConnectFailure(instance.health, error));
  }

  #update(instance: UpstreamInstance, next: InstanceHealth): void {
    const changed = next.healthy !== instance.health.healthy;
    instance.health = next;
    if (!changed) return;
    const change: HealthChange = { service: this.service, origin: instance.origin, healthy: next.healthy };
    if (next.lastError !== undefined && !next.healthy) change.error = next.lastError;
    this.#onChange(change);
  }
}

export interface UpstreamReport {
  service: ServiceName;
  instances: { origin: string; healthy: boolean; consecutiveFailures: number; lastError?: string }[];
}

export class UpstreamRegistry {
  readonly #services = new Map<ServiceName, ServiceUpstreams>();

  /** Services with no origins are left out: a route to them answers 503. */
  constructor(
    origins: Partial<Record<ServiceName, readonly string[]>>,
    options: PoolOptions,
    onChange: (change: HealthChange) => void = () => {},
  ) {
    for (const [service, list] of Object.entries(origins) as [ServiceName, readonly string[]][]) {
      if (list.length > 0)
        this.#services.set(service, new ServiceUpstreams(service, list, options, onChange));
    }
  }

  get(service: ServiceName): ServiceUpstreams | undefined {
    return this.#services.get(service);
  }

  all(): ServiceUpstreams[] {
    return [...this.#services.values()];
  }

  report(): UpstreamReport[] {
    return this.all().map((upstreams) => ({
      service: upstreams.service,
      instances: upstreams.instances.map(({ origin, health }) => ({ origin, ...health })),
    }));
  }

  /** Closes every pool, letting requests in flight finish. */
  async close(): Promise<void> {
    await Promise.all(this.all().flatMap((s) => s.instances.map((instance) => instance.pool.close())));
  }
}

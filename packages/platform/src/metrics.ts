import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, Registry } from 'prom-client';

export type { Counter, Gauge, Registry } from 'prom-client';

/**
 * One registry per service, never prom-client's global one: tests build several apps in one
 * process, and a global registry would refuse the second registration of the same metric.
 * The `service` default label lets one Prometheus job scrape every service without relabelling.
 */
export function createMetrics(serviceName: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: serviceName });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Returns the metric already registered under `name`, or registers the one `create` builds.
 * Lets a component that can be instantiated twice on one registry (an HTTP app, a consumer)
 * share its metrics instead of throwing "already registered".
 */
export function registerOnce<M extends Metric>(registry: Registry, name: string, create: () => M): M {
  const existing = registry.getSingleMetric(name);
  if (existing !== undefined) return existing as M;
  const metric = create();
  registry.registerMetric(metric);
  return metric;
}

/** Seconds, from 5 ms to 10 s: blocking GETs may wait that long, most calls take milliseconds. */
const httpBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function httpRequestDuration(registry: Registry): Histogram<'method' | 'route' | 'status_code'> {
  return registerOnce(
    registry,
    'http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP request duration in seconds, by method, route pattern and status code',
        labelNames: ['method', 'route', 'status_code'],
        buckets: httpBuckets,
        registers: [],
      }),
  );
}

/** A service's own gauge (a count it sets, e.g. orders waiting for an operator), registered once. */
export function gauge<L extends string = never>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): Gauge<L> {
  return registerOnce(registry, name, () => new Gauge({ name, help, labelNames, registers: [] }));
}

/** A service's own histogram (durations it measures, e.g. the checkout's steps), registered once. */
export function histogram<L extends string = never>(
  registry: Registry,
  name: string,
  help: string,
  options: { labelNames?: readonly L[]; buckets: number[] },
): Histogram<L> {
  const { labelNames = [], buckets } = options;
  return registerOnce(
    registry,
    name,
    () => new Histogram({ name, help, labelNames, buckets, registers: [] }),
  );
}

/** A service's own counter (things it did, e.g. orphan charges refunded), registered once. */
export function counter<L extends string = never>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): Counter<L> {
  return registerOnce(registry, name, () => new Counter({ name, help, labelNames, registers: [] }));
}

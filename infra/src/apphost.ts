// Which services the stack runs, how many instances of each, and what each one is given.
// The one place that wires services to resources (cf. eShop's AppHost): a newcomer reads here
// which process listens where and talks to what.
import { join } from 'node:path';
import { upstreamVariable } from '@microshop/platform/pure';
import { serviceDatabaseUrl } from './database-roles.ts';
import { repoRoot, stackDirs } from './paths.ts';
import { stackSecrets } from './secrets.ts';
import { bootstrapServers, connectUrl, gatewayUrl, type Layout, type StackSettings } from './settings.ts';

export interface ServiceSpec {
  /** Directory under services/; the process runs services/<name>/src/main.ts. */
  name: string;
  instances: number;
  /**
   * The PostgreSQL schema it owns, if any: the stack gives it a role of its own that owns this
   * schema and nothing else, and the service logs in with it.
   */
  schema?: string;
}

/**
 * Every service of the stack. All but the gateway start together; the gateway starts last because it
 * routes to the others. `instances` can be overridden per service by the environment, e.g.
 * `INSTANCES_FRAUD=2` (the partitioned-mode test runs two of each validator).
 */
export const serviceSpecs: readonly ServiceSpec[] = [
  { name: 'orders', instances: 2, schema: 'orders' },
  { name: 'order-background', instances: 1, schema: 'order_background' },
  { name: 'customers', instances: 1, schema: 'customers' },
  { name: 'inventory', instances: 1, schema: 'inventory' },
  { name: 'fraud', instances: 1, schema: 'fraud' },
  { name: 'order-details', instances: 1, schema: 'order_details' },
  { name: 'validation-aggregator', instances: 1, schema: 'validation_aggregator' },
  { name: 'notifications', instances: 1, schema: 'notifications' },
  { name: 'payments', instances: 1, schema: 'payments' },
  { name: 'shipments', instances: 1, schema: 'shipments' },
  // Dead letters, the audit log and the CDC pipeline's supervision, for operators. One instance: its
  // connector watchdog would restart a failed connector twice with two.
  { name: 'operations', instances: 1, schema: 'operations' },
  // The outside world, imitated locally: a payment provider, a shipping company, an SMTP server.
  { name: 'payment-sandbox', instances: 1 },
  { name: 'carrier-sandbox', instances: 1 },
  { name: 'mail-sink', instances: 1 },
  { name: 'gateway', instances: 1 },
];

/** Every schema a service of the stack owns (the stack makes a role for each). */
export function serviceSchemas(specs: readonly ServiceSpec[] = serviceSpecs): string[] {
  return specs.flatMap((spec) => (spec.schema === undefined ? [] : [spec.schema]));
}

/** A second instance in the same process would only double its consumers: hosted, each runs once. */
function instanceCount(spec: ServiceSpec, env: NodeJS.ProcessEnv, layout: Layout): number {
  const text = env[`INSTANCES_${spec.name.toUpperCase().replaceAll('-', '_')}`];
  const count = Number(text);
  if (text !== undefined && Number.isInteger(count) && count >= 1 && count <= 8) return count;
  return layout === 'hosted' ? 1 : spec.instances;
}

/**
 * Settings that differ per stack. The test stack ends stuck orders quickly (every watchdog deadline
 * is short) so the watchdog can be tested end to end without waiting minutes.
 */
function profileEnv(settings: StackSettings): Record<string, string> {
  // Every local client is 127.0.0.1, so the gateway's per-client rate limit would throttle the
  // whole machine (tests, benchmarks) as one client: locally it is set far above what the stack sustains.
  // The profile lets the customers service fall back to the well-known operator account (printed by
  // `npm start`); set MICROSHOP_OPERATOR_EMAIL and MICROSHOP_OPERATOR_PASSWORD to use your own.
  const local = {
    MICROSHOP_PROFILE: settings.profile,
    RATE_LIMIT_RPS: '20000',
    RATE_LIMIT_BURST: '40000',
    RATE_LIMIT_WRITE_RPS: '20000',
    RATE_LIMIT_WRITE_BURST: '40000',
    RATE_LIMIT_AUTH_RPS: '20000',
    RATE_LIMIT_AUTH_BURST: '40000',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
  return settings.profile === 'test'
    ? {
        ...local,
        WATCHDOG_CREATED_DEADLINE_MS: '15000',
        WATCHDOG_VALIDATED_DEADLINE_MS: '30000',
        WATCHDOG_APPROVED_DEADLINE_MS: '30000',
        WATCHDOG_SHIPPED_DEADLINE_MS: '60000',
        // The reconciliation and the reaper look soon, and report past the sum of the deadlines above.
        RECONCILE_INTERVAL_MS: '2000',
        RECONCILE_AFTER_MS: '5000',
        REAPER_INTERVAL_MS: '2000',
        REAPER_GRACE_MS: '5000',
        REAPER_REPORT_AFTER_MS: '75000',
        // Card tokens are forgotten within seconds of their order's payment, not minutes.
        PAYMENT_METHOD_GRACE_MS: '15000',
        PAYMENT_METHOD_PURGE_INTERVAL_MS: '2000',
        CARRIER_DELIVERY_DELAY_MS: '1000',
        // Tests and benchmarks sign up thousands of customers: cheap hashes (4 MiB, not 32).
        AUTH_SCRYPT_LOG2N: '12',
      }
    : local;
}

export interface ServiceInstance {
  /** Part name: `orders-1`, `orders-2`, … (or just the service name when it runs once). */
  part: string;
  service: string;
  entry: string;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  env: Record<string, string>;
}

/** Every instance with its port and environment. Ports are consecutive from SERVICE_PORT_BASE; the gateway has its own. */
export function serviceInstances(
  settings: StackSettings,
  specs: readonly ServiceSpec[] = serviceSpecs,
  env: NodeJS.ProcessEnv = process.env,
): ServiceInstance[] {
  let nextPort = settings.servicePortBase + 1;
  const instances: ServiceInstance[] = [];
  for (const spec of specs) {
    const count = instanceCount(spec, env, settings.layout);
    for (let number = 1; number <= count; number++) {
      const port = spec.name === 'gateway' ? settings.gateway.port : nextPort++;
      const part = count === 1 ? spec.name : `${spec.name}-${number}`;
      instances.push({
        part,
        service: spec.name,
        entry: join(repoRoot, 'services', spec.name, 'src', 'main.ts'),
        port,
        url: `http://127.0.0.1:${port}`,
        env: {
          ...instanceEnv(settings, part, spec.name, port),
          ...databaseEnv(settings, spec),
          ...secretEnv(settings, spec.name),
          ...profileEnv(settings),
        },
      });
    }
  }
  // Every service learns where the others are (the gateway routes to them; a few call each other's health).
  const upstreams: Record<string, string> = {};
  for (const instance of instances) {
    const variable = upstreamVariable(instance.service);
    upstreams[variable] = [upstreams[variable], instance.url].filter(Boolean).join(',');
  }
  const tracing = telemetryEnv(settings, instances, env);
  for (const instance of instances) {
    Object.assign(instance.env, upstreams, identityEnv(instances), tracing, {
      OTEL_SERVICE_NAME: instance.service,
    });
  }
  return instances;
}

/** The trace receiver's header, which the exporters send and the operations service checks. */
export const traceIngestHeader = 'x-trace-ingest-key';

/**
 * Every process exports its spans over OTLP/HTTP to the operations service's receiver (which keeps
 * those of recent orders for the console), showing the stack's ingest key: spans come only from the
 * stack's own processes. OTEL_EXPORTER_OTLP_ENDPOINT set for the stack runner sends them to an outside
 * collector instead (its own OTEL_… variables then pass through to every process as they are).
 * MICROSHOP_TRACING=off turns tracing off (the benchmark's "tracing off" variant). Spans are sent
 * every second (half a second in the test stack, whose tests read them).
 */
function telemetryEnv(
  settings: StackSettings,
  instances: readonly ServiceInstance[],
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  if (env.MICROSHOP_TRACING === 'off') return { OTEL_SDK_DISABLED: 'true' };
  const delay = { OTEL_BSP_SCHEDULE_DELAY: settings.profile === 'test' ? '500' : '1000' };
  const receiver = instances.find((instance) => instance.service === 'operations');
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || receiver === undefined) return delay;
  const key = stackSecrets(settings).traceIngest;
  return {
    ...delay,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_HEADERS: `${traceIngestHeader}=${key}`,
    TRACE_INGEST_KEY: key,
  };
}

/**
 * Every service verifies access tokens itself with the keys the customers service publishes: its
 * instances' JWKS, tried in turn (the customers service verifies with its own keys).
 */
function identityEnv(instances: readonly ServiceInstance[]): Record<string, string> {
  const jwks = instances
    .filter((instance) => instance.service === 'customers')
    .map((instance) => `${instance.url}/api/v1/auth/jwks.json`);
  return jwks.length === 0 ? {} : { AUTH_JWKS_URL: jwks.join(',') };
}

function instanceEnv(settings: StackSettings, part: string, service: string, port: number) {
  return {
    SERVICE_NAME: service,
    INSTANCE_ID: part,
    // Which defaults a service may fall back on: dev and test only (unset means production).
    MICROSHOP_PROFILE: settings.profile,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    // Where an instance keeps files that must outlive a restart (the sandboxes' ledgers, the mailbox).
    DATA_DIR: join(stackDirs(settings.home).data, part),
    KAFKA_BOOTSTRAP_SERVERS: bootstrapServers(settings),
    CONNECT_URL: connectUrl(settings),
    // The stack's mail sink unless SMTP_URL (TEST_SMTP_URL) names another server, credentials and all.
    SMTP_URL: settings.smtp.url ?? `smtp://127.0.0.1:${settings.smtp.port}`,
    SMTP_PORT: String(settings.smtp.port),
    // The carrier's delivery webhooks reach shipments through the gateway.
    SHIPMENTS_PUBLIC_URL: gatewayUrl(settings),
  };
}

/**
 * Each secret goes to the services that need it and no other, generated with the stack's
 * passwords unless the environment gives it:
 *   - the webhook secret both the carrier (signs) and shipments (verifies) share;
 *     CARRIER_WEBHOOK_SECRETS=new,old while rotating (the carrier signs with the first);
 *   - the key payments encrypts card tokens with (PAYMENT_TOKEN_KEYS=new,old while rotating).
 */
function secretEnv(settings: StackSettings, service: string): Record<string, string> {
  const secrets = () => stackSecrets(settings);
  switch (service) {
    case 'shipments':
    case 'carrier-sandbox':
      return { CARRIER_WEBHOOK_SECRETS: process.env.CARRIER_WEBHOOK_SECRETS ?? secrets().webhook };
    case 'payments':
      return { PAYMENT_TOKEN_KEYS: process.env.PAYMENT_TOKEN_KEYS ?? secrets().paymentTokenKey };
    default:
      return {};
  }
}

/** A service owning a schema logs in with its own role; the others get no database at all. */
function databaseEnv(settings: StackSettings, spec: ServiceSpec): Record<string, string> {
  if (spec.schema === undefined) return {};
  return { DATABASE_URL: serviceDatabaseUrl(settings, spec.schema), DATABASE_SCHEMA: spec.schema };
}

/** One operating-system process of the stack and the service instances it runs. */
export interface ServiceProcess {
  /** The part name: an instance's (`orders-1`) when split, the host's (`services`, `services-1`) when hosted. */
  part: string;
  instances: ServiceInstance[];
  /** The script node runs. */
  entry: string;
  /** What the process gets besides the stack runner's own environment. */
  env: Record<string, string>;
}

/** The host process of `hosted`: infra/src/host.ts reads its instances from this variable. */
export const hostedVariable = 'MICROSHOP_HOSTED';
/** The host's part name (`services`, `services-1`, …), which it runs as. */
export const hostNameVariable = 'MICROSHOP_HOST_NAME';
const hostEntry = join(repoRoot, 'infra', 'src', 'host.ts');

/**
 * The processes that run `instances` under `layout`. Split: one per instance. Hosted: the backend
 * services in `hosts` processes — `services` when there is one, else `services-1`, `services-2`, … —
 * and each gateway instance in a process of its own (it starts last, once what it routes to answers).
 * With several hosts, instance k of the i-th service goes to host ((i + k − 1) mod hosts) + 1: the
 * services alternate between the hosts, and two instances of one service never share one (a host that
 * dies takes one instance of each service with it, like a machine of a real deployment).
 */
export function serviceProcesses(
  instances: readonly ServiceInstance[],
  layout: Layout,
  hosts = 1,
): ServiceProcess[] {
  if (layout === 'split') return instances.map(ownProcess);
  const backends = instances.filter((instance) => instance.service !== 'gateway');
  const gateways = instances.filter((instance) => instance.service === 'gateway');
  const groups: ServiceInstance[][] = Array.from({ length: hosts }, () => []);
  const serviceIndex = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const instance of backends) {
    if (!serviceIndex.has(instance.service)) serviceIndex.set(instance.service, serviceIndex.size);
    const k = (seen.get(instance.service) ?? 0) + 1;
    seen.set(instance.service, k);
    groups[((serviceIndex.get(instance.service) ?? 0) + k - 1) % hosts]?.push(instance);
  }
  const hostProcesses = groups.flatMap((group, index) =>
    group.length === 0 ? [] : [hostProcess(hosts === 1 ? 'services' : `services-${index + 1}`, group)],
  );
  return [...hostProcesses, ...gateways.map(ownProcess)];
}

/** A host process: infra/src/host.ts runs each of `instances` with its own environment. */
function hostProcess(part: string, instances: ServiceInstance[]): ServiceProcess {
  const first = instances[0]?.env ?? {};
  return {
    part,
    instances,
    entry: hostEntry,
    env: {
      [hostedVariable]: JSON.stringify(instances.map(({ service, env }) => ({ service, env }))),
      [hostNameVariable]: part,
      LOG_LEVEL: first.LOG_LEVEL ?? 'info',
      // One tracer provider serves the process: it exports as each service would alone.
      ...otelEnvOf(first),
      OTEL_SERVICE_NAME: `microshop-${part}`,
    },
  };
}

function otelEnvOf(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('OTEL_')));
}

function ownProcess(instance: ServiceInstance): ServiceProcess {
  return { part: instance.part, instances: [instance], entry: instance.entry, env: instance.env };
}

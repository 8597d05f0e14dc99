// Every address and size of one local stack, read once from the environment.
// The dev stack uses the default ports listed in README.md; the test stack (npm test) has its own ports and
// data directory so it never touches a running dev stack. Any value can be overridden:
// dev reads e.g. KAFKA_PORT, the test stack reads TEST_KAFKA_PORT.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { localDir } from './paths.ts';
import { stackSecrets } from './secrets.ts';

export type Profile = 'dev' | 'test';

/** Host processes of the hosted layout unless MICROSHOP_HOSTS says otherwise: one per core, at most two. */
export const defaultHosts = Math.min(2, availableParallelism());

/**
 * How service instances map onto processes: `hosted` runs the backend services in a few host processes
 * (`MICROSHOP_HOSTS`, by default one per core up to two) and the gateway in another (the default for
 * `npm start`: two cores run a dozen services best that way);
 * `split` runs one process per instance (`npm start -- --split`; the test stack, whose tests kill and
 * restart single instances).
 */
export type Layout = 'hosted' | 'split';

export interface StackSettings {
  profile: Profile;
  home: string;
  layout: Layout;
  /**
   * Hosted layout: how many host processes share the backend services (MICROSHOP_HOSTS; by default two,
   * one on a single-core machine). Each is one JavaScript thread: with two, the services' work can use
   * both cores, and the checkout keeps up with more orders per second (docs/benchmarks.md).
   */
  hosts: number;
  pg: {
    port: number;
    database: string;
    /** The administrator role: owns the database; every service has a role of its own besides. */
    user: string;
    /** Only when the environment sets it; otherwise the stack's generated one (secrets.ts). */
    password: string | undefined;
    cdcUser: string;
    cdcPassword: string | undefined;
  };
  kafka: { nodes: number; port: number; controllerPort: number; heapMb: number; partitions: number };
  connect: { port: number; heapMb: number };
  gateway: { port: number };
  /** Services listen on consecutive ports from here (see apphost.ts). */
  servicePortBase: number;
  /** The mail sink's port; `url` (SMTP_URL) sends the customer emails to another server instead. */
  smtp: { port: number; url?: string | undefined };
}

const defaults: Record<Profile, Record<string, string>> = {
  dev: {
    PG_PORT: '55432',
    KAFKA_PORT: '19092',
    KAFKA_CONTROLLER_PORT: '19093',
    CONNECT_PORT: '18083',
    GATEWAY_PORT: '8080',
    SERVICE_PORT_BASE: '8100',
    SMTP_PORT: '2525',
  },
  // Below the kernel's ephemeral port range (32768–60999), so no outgoing connection can hold one.
  test: {
    PG_PORT: '26432',
    KAFKA_PORT: '29092',
    KAFKA_CONTROLLER_PORT: '29093',
    CONNECT_PORT: '28083',
    GATEWAY_PORT: '18080',
    SERVICE_PORT_BASE: '18100',
    SMTP_PORT: '12525',
  },
};

export function loadSettings(profile: Profile, env: NodeJS.ProcessEnv = process.env): StackSettings {
  const prefix = profile === 'test' ? 'TEST_' : '';
  const errors: string[] = [];
  const read = (name: string, fallback?: string): string =>
    env[prefix + name] ?? defaults[profile][name] ?? fallback ?? '';
  const integer = (name: string, fallback: string, min: number, max: number): number => {
    const text = read(name, fallback);
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max)
      errors.push(`${prefix + name}=${text}: expected an integer ${min}–${max}`);
    return value;
  };
  const port = (name: string) => integer(name, '', 1, 65535);
  const optional = (name: string): string | undefined => env[prefix + name] || undefined;
  const settings: StackSettings = {
    profile,
    home: read('MICROSHOP_HOME', join(localDir, profile)),
    layout: layoutOf(read('MICROSHOP_LAYOUT', profile === 'dev' ? 'hosted' : 'split'), errors),
    hosts: integer('MICROSHOP_HOSTS', String(defaultHosts), 1, 8),
    pg: {
      port: port('PG_PORT'),
      database: read('PG_DATABASE', 'microshop'),
      user: read('PG_USER', 'microshop'),
      password: optional('PG_PASSWORD'),
      cdcUser: read('PG_CDC_USER', 'microshop_cdc'),
      cdcPassword: optional('PG_CDC_PASSWORD'),
    },
    kafka: {
      nodes: integer('KAFKA_NODES', '1', 1, 5),
      port: port('KAFKA_PORT'),
      controllerPort: port('KAFKA_CONTROLLER_PORT'),
      heapMb: integer('KAFKA_HEAP_MB', '768', 256, 8192),
      partitions: integer('KAFKA_PARTITIONS', '3', 1, 64),
    },
    connect: { port: port('CONNECT_PORT'), heapMb: integer('CONNECT_HEAP_MB', '768', 256, 8192) },
    gateway: { port: port('GATEWAY_PORT') },
    servicePortBase: port('SERVICE_PORT_BASE'),
    smtp: { port: port('SMTP_PORT'), url: env[`${prefix}SMTP_URL`] || undefined },
  };
  if (errors.length > 0) throw new Error(`Invalid stack settings:\n  ${errors.join('\n  ')}`);
  return settings;
}

function layoutOf(text: string, errors: string[]): Layout {
  if (text === 'hosted' || text === 'split') return text;
  errors.push(`MICROSHOP_LAYOUT=${text}: expected hosted or split`);
  return 'split';
}

/** Broker and controller ports of a node (0-based): the first node uses the configured ports, each next one +10. */
export function kafkaNodePorts(
  settings: StackSettings,
  node: number,
): { broker: number; controller: number } {
  return { broker: settings.kafka.port + node * 10, controller: settings.kafka.controllerPort + node * 10 };
}

export function bootstrapServers(settings: StackSettings): string {
  return Array.from(
    { length: settings.kafka.nodes },
    (_, node) => `127.0.0.1:${kafkaNodePorts(settings, node).broker}`,
  ).join(',');
}

/** The administrator's URL (people and tests); services each have a role of their own (database-roles.ts). */
export function databaseUrl(settings: StackSettings): string {
  return loginUrl(settings, { user: settings.pg.user, password: stackSecrets(settings).admin });
}

export function loginUrl(settings: StackSettings, login: { user: string; password: string }): string {
  const { port, database } = settings.pg;
  return `postgres://${login.user}:${encodeURIComponent(login.password)}@127.0.0.1:${port}/${database}`;
}

/** The same without the password, to print: the password is in the stack's secrets file. */
export function databaseAddress(settings: StackSettings): string {
  const { user, port, database } = settings.pg;
  return `postgres://${user}@127.0.0.1:${port}/${database}`;
}

export function connectUrl(settings: StackSettings): string {
  return `http://127.0.0.1:${settings.connect.port}`;
}

/** The gateway, the one address clients use (the API lives under /api/v1). */
export function gatewayUrl(settings: StackSettings): string {
  return `http://127.0.0.1:${settings.gateway.port}`;
}

/** Replication factor and min ISR for the stack's topics: 3 nodes → 3 copies, min 2 in sync. */
export function replication(settings: StackSettings): { factor: number; minIsr: number } {
  const factor = Math.min(3, settings.kafka.nodes);
  return { factor, minIsr: factor >= 3 ? 2 : 1 };
}

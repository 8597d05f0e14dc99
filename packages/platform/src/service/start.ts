import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { z } from 'zod';
import { createTokenVerifier } from '../auth/principal.ts';
import { createPool, ping } from '../db/pool.ts';
import type { AccessControlOptions } from '../http/access.ts';
import type { ReadinessCheck } from '../http/ops-routes.ts';
import { createEventConsumer, type EventConsumerOptions } from '../kafka/consumer.ts';
import {
  asBatchHandler,
  asMessageHandler,
  decodingOnce,
  isTransactional,
  wantsOf,
} from '../kafka/transactional.ts';
import { createMetrics } from '../metrics.ts';
import { startPeriodicTask } from '../periodic.ts';
import { kitRetentionRules, pruneAll, type RetentionRule } from '../retention.ts';
import type { ServiceContext } from '../service.ts';
import { migrateServiceSchema } from '../service-schema.ts';
import { inService } from '../telemetry/scope.ts';
import type {
  ConsumerSpec,
  PeriodicSpec,
  ServiceDefinition,
  ServiceKit,
  ServiceParts,
} from './definition.ts';

/** The config a definition with a database or consumers must read (`commonConfig` and friends). */
interface KitConfig {
  CONSUMER_MAX_BATCH?: number;
  CONSUMER_COMMIT_INTERVAL_MS?: number;
  DATABASE_PREPARED_STATEMENTS?: boolean;
  INBOX_RETENTION_HOURS?: number;
  IDEMPOTENCY_RETENTION_HOURS?: number;
  OUTBOX_RETENTION_HOURS?: number;
  DATABASE_URL?: string;
  DATABASE_SCHEMA?: string;
  INSTANCE_ID?: string;
  KAFKA_BOOTSTRAP_SERVERS?: readonly string[];
  CONSUMER_GROUP?: string;
  DEAD_LETTER_TOPIC?: string;
  HTTP_HOST?: string;
  HTTP_PORT?: number;
  AUTH_ISSUER?: string;
  AUTH_AUDIENCE?: string;
  AUTH_JWKS_URL?: readonly string[];
  AUTH_ROLES_CLAIM?: string;
}

/**
 * Starts `definition` in the context `runService` (or a host) gives it: database → wire → HTTP →
 * background parts → consumers → periodic tasks. Every step registers its stop, so stopping runs
 * backwards: tasks, consumers, background, HTTP, the service's own clients, the pool.
 */
export function startDefinition<S extends z.ZodObject>(
  definition: ServiceDefinition<S>,
  context: ServiceContext<z.output<S>>,
): Promise<void> {
  // Everything the service starts runs as its work, so its spans name it even beside others (scope.ts).
  const instance = (context.config as KitConfig).INSTANCE_ID ?? definition.name;
  return inService({ service: definition.name, instance }, () => startParts(definition, context));
}

async function startParts<S extends z.ZodObject>(
  definition: ServiceDefinition<S>,
  context: ServiceContext<z.output<S>>,
): Promise<void> {
  const { config, logger, onStop } = context;
  const settings = config as KitConfig;
  const pool = definition.database ? await openDatabase(definition, settings, context) : undefined;
  const metrics = createMetrics(definition.name);
  const kit: ServiceKit<z.output<S>> = {
    name: definition.name,
    config,
    logger,
    metrics,
    get pool(): pg.Pool {
      if (!pool) throw new Error(`service ${definition.name} declares no database`);
      return pool;
    },
    onStop,
  };
  const parts = await definition.wire(kit);
  const started = { consumers: false };
  const readiness: ReadinessCheck[] = [
    ...(pool ? [{ name: 'database', check: () => ping(pool) }] : []),
    ...consumerChecks(parts, () => started.consumers),
    ...(parts.readiness ?? []),
  ];

  if (parts.http) {
    const app = await parts.http({ logger, metrics, readiness, access: accessOf(parts, settings) });
    await app.listen({ host: settings.HTTP_HOST ?? '127.0.0.1', port: required(settings, 'HTTP_PORT') });
    onStop('http', () => app.close());
  }
  for (const [label, start] of Object.entries(parts.background ?? {})) {
    const part = await start();
    onStop(label, () => part.stop());
    if (part.check) readiness.push({ name: label, check: () => part.check?.() });
  }
  const consumers = Object.entries(parts.consumers ?? {});
  for (const [label, spec] of consumers) {
    const clientId =
      consumers.length === 1 ? instanceOf(settings, kit) : `${instanceOf(settings, kit)}-${label}`;
    const consumer = createEventConsumer(consumerOptions(spec, settings, { kit, pool, clientId }));
    onStop(label, async () => {
      started.consumers = false;
      await consumer.stop();
    });
    await consumer.start();
  }
  started.consumers = true;
  const tasks = {
    ...(pool ? { retention: retentionTask(pool, settings, parts.retention ?? []) } : {}),
    ...parts.tasks,
  };
  for (const [label, spec] of Object.entries(tasks)) {
    const task = startPeriodicTask({ name: label, intervalMs: spec.intervalMs, logger, run: spec.run });
    onStop(label, () => task.stop());
    readiness.push({ name: label, check: () => task.check() });
  }
}

async function openDatabase(
  definition: ServiceDefinition,
  settings: KitConfig,
  { logger, onStop }: Pick<ServiceContext<unknown>, 'logger' | 'onStop'>,
): Promise<pg.Pool> {
  const schema = required(settings, 'DATABASE_SCHEMA');
  const pool = createPool({
    connectionString: required(settings, 'DATABASE_URL'),
    schema,
    applicationName: settings.INSTANCE_ID ?? definition.name,
    logger,
    prepared: settings.DATABASE_PREPARED_STATEMENTS ?? true,
    ...(definition.database?.poolSize === undefined ? {} : { max: definition.database.poolSize }),
  });
  onStop('database', () => pool.end());
  // The outbox joins Debezium's publication before the files run, so rows a migration itself writes
  // to the outbox (inventory's demo catalog) are streamed too.
  await migrateServiceSchema(pool, { schema, dir: migrationsDirOf(definition), logger, publishOutbox: true });
  return pool;
}

/**
 * Every service's routes are guarded: by the service's own verifier, or by the issuer its config
 * names (`authConfig`: the built-in identity by default, an outside OpenID Connect issuer if set).
 */
function accessOf(parts: ServiceParts, settings: KitConfig): AccessControlOptions {
  if (parts.verify) return { verify: parts.verify };
  return {
    verify: createTokenVerifier({
      issuer: required(settings, 'AUTH_ISSUER'),
      audience: required(settings, 'AUTH_AUDIENCE'),
      jwksUrl: required(settings, 'AUTH_JWKS_URL'),
      rolesClaim: settings.AUTH_ROLES_CLAIM ?? 'roles',
    }),
  };
}

/** The definition's migrations folder as a path. */
export function migrationsDirOf(definition: Pick<ServiceDefinition, 'name' | 'database'>): string {
  const migrations = definition.database?.migrations;
  if (migrations === undefined) throw new Error(`service ${definition.name} declares no database`);
  return migrations instanceof URL ? fileURLToPath(migrations) : migrations;
}

/**
 * Hourly: inbox rows, idempotency keys, outbox rows and the service's own guards past their window go
 * (see retention.ts).
 */
function retentionTask(pool: pg.Pool, settings: KitConfig, own: readonly RetentionRule[]): PeriodicSpec {
  const rules = [
    ...kitRetentionRules({
      inboxHours: settings.INBOX_RETENTION_HOURS,
      idempotencyHours: settings.IDEMPOTENCY_RETENTION_HOURS,
      outboxHours: settings.OUTBOX_RETENTION_HOURS,
    }),
    ...own,
  ];
  return { intervalMs: 3_600_000, run: () => pruneAll(pool, rules) };
}

function consumerChecks(parts: ServiceParts, running: () => boolean): ReadinessCheck[] {
  const labels = Object.keys(parts.consumers ?? {});
  return labels.length === 0 ? [] : [{ name: `consumers (${labels.join(', ')})`, check: running }];
}

function consumerOptions(
  spec: ConsumerSpec,
  settings: KitConfig,
  { kit, pool, clientId }: { kit: ServiceKit<unknown>; pool: pg.Pool | undefined; clientId: string },
): EventConsumerOptions {
  const group = spec.group ?? required(settings, 'CONSUMER_GROUP');
  const { topics, handle, wants, group: _group, ...tuning } = spec;
  return {
    ...(settings.CONSUMER_MAX_BATCH === undefined ? {} : { maxBatchSize: settings.CONSUMER_MAX_BATCH }),
    ...(settings.CONSUMER_COMMIT_INTERVAL_MS === undefined
      ? {}
      : { commitIntervalMs: settings.CONSUMER_COMMIT_INTERVAL_MS }),
    ...tuning,
    bootstrapServers: required(settings, 'KAFKA_BOOTSTRAP_SERVERS'),
    groupId: group,
    clientId,
    topics,
    logger: kit.logger,
    metrics: kit.metrics,
    deadLetter: { topic: required(settings, 'DEAD_LETTER_TOPIC') },
    ...handlersOf(handle, wants, pool, group, kit.name),
  };
}

/**
 * A transactional handler is handled in batches: the ready records of a partition in one transaction.
 * The records it does not decode (other event types on its topics) are done before any of that. A
 * plain handler gets the records its `wants` lets through (all without one), one at a time.
 */
function handlersOf(
  handle: ConsumerSpec['handle'],
  wants: ConsumerSpec['wants'],
  pool: pg.Pool | undefined,
  group: string,
  service: string,
): Pick<EventConsumerOptions, 'handle' | 'handleBatch' | 'wants'> {
  if (!isTransactional(handle)) return { handle, wants };
  if (!pool) throw new Error(`service ${service}: a transactional consumer needs a database`);
  const binding = { pool, consumer: group };
  const once = decodingOnce(handle);
  return {
    wants: wantsOf(once),
    handle: asMessageHandler(once, binding),
    handleBatch: asBatchHandler(once, binding),
  };
}

function instanceOf(settings: KitConfig, kit: ServiceKit<unknown>): string {
  return settings.INSTANCE_ID ?? kit.name;
}

function required<K extends keyof KitConfig>(settings: KitConfig, key: K): NonNullable<KitConfig[K]> {
  const value = settings[key];
  if (value === undefined || value === null) {
    throw new Error(
      `the service's config must read ${key} (see the kit's commonConfig, authConfig and friends)`,
    );
  }
  return value as NonNullable<KitConfig[K]>;
}

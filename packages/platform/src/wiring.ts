import type pg from 'pg';
import { createPool } from './db/pool.ts';
import type { HttpApp } from './http/app.ts';
import type { EventConsumer, EventConsumerOptions } from './kafka/consumer.ts';
import type { Logger } from './logger.ts';
import type { Registry } from './metrics.ts';
import { publishOutbox } from './outbox.ts';
import type { ServiceContext } from './service.ts';

/**
 * The start steps a service's `main.ts` shares with the others, in the order it runs them:
 * database (pool, migrations, outbox publication) → HTTP (so /health answers while the rest starts)
 * → consumers. Each registers its stop step, so stopping runs backwards. What the service consumes
 * and publishes stays in its main: these helpers only take the repetition out.
 */

type StopRegistrar = ServiceContext<unknown>['onStop'];

/** The config every service owning a schema has (`commonConfig` + `serviceInstanceConfig`). */
export interface ServiceDatabaseConfig {
  DATABASE_URL: string;
  DATABASE_SCHEMA: string;
  INSTANCE_ID: string;
}

/** Creates or updates the service's tables in `schema`: its `migrateSchema`. */
export type SchemaMigration = (pool: pg.Pool, schema: string, logger: Logger) => Promise<unknown>;

/**
 * Opens the pool on the service's own schema (closed last, after everything that uses it), migrates
 * the schema and adds its outbox to Debezium's publication, on every start. `applicationName` (shown
 * in pg_stat_activity) defaults to the instance id.
 */
export async function openServiceDatabase(
  { config, logger, onStop }: { config: ServiceDatabaseConfig; logger: Logger; onStop: StopRegistrar },
  migrate: SchemaMigration,
  options: { applicationName?: string } = {},
): Promise<pg.Pool> {
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    applicationName: options.applicationName ?? config.INSTANCE_ID,
    logger,
  });
  onStop('database', () => pool.end());
  await migrate(pool, config.DATABASE_SCHEMA, logger);
  await publishOutbox(pool, config.DATABASE_SCHEMA);
  return pool;
}

/** Serves `app` on HTTP_HOST:HTTP_PORT; stopped before whatever was registered earlier. */
export async function listenHttp(
  app: Pick<HttpApp, 'listen' | 'close'>,
  { config, onStop }: { config: { HTTP_HOST: string; HTTP_PORT: number }; onStop: StopRegistrar },
): Promise<void> {
  await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
  onStop('http', () => app.close());
}

/** The config of a service with one consumer group (`commonConfig` + `consumerConfig` + instance). */
export interface GroupConsumerConfig {
  KAFKA_BOOTSTRAP_SERVERS: readonly string[];
  CONSUMER_GROUP: string;
  INSTANCE_ID: string;
  DEAD_LETTER_TOPIC: string;
}

/**
 * The consumer options that come from config alone: the broker, the group, the instance's client
 * id and the dead-letter topic. The main adds what it reads (`topics`) and how (`handle`).
 */
export function groupConsumerOptions(
  config: GroupConsumerConfig,
  deps: { logger: Logger; metrics: Registry },
): Omit<EventConsumerOptions, 'topics' | 'handle'> {
  return {
    bootstrapServers: config.KAFKA_BOOTSTRAP_SERVERS,
    groupId: config.CONSUMER_GROUP,
    clientId: config.INSTANCE_ID,
    logger: deps.logger,
    metrics: deps.metrics,
    deadLetter: { topic: config.DEAD_LETTER_TOPIC },
  };
}

export interface ConsumerRunner {
  /** The readiness check: true once `start` has started every consumer, false from the first stop on. */
  running: () => boolean;
  /** Starts the consumers one after the other, in the order given, each registered to stop by its label. */
  start(consumers: Record<string, EventConsumer>): Promise<void>;
}

/**
 * Consumers start after HTTP is up, so `/health` answers while they join their groups; `/ready`
 * needs their state before they exist, hence a runner made first and started last.
 */
export function createConsumerRunner(onStop: StopRegistrar): ConsumerRunner {
  let running = false;
  return {
    running: () => running,
    start: async (consumers) => {
      for (const [label, consumer] of Object.entries(consumers)) {
        onStop(label, async () => {
          running = false;
          await consumer.stop();
        });
        await consumer.start();
      }
      running = true;
    },
  };
}

import type pg from 'pg';
import type { z } from 'zod';
import type { TokenVerifier } from '../auth/principal.ts';
import type { AccessControlOptions } from '../http/access.ts';
import type { HttpApp } from '../http/app.ts';
import type { ReadinessCheck } from '../http/ops-routes.ts';
import type { ConsumedMessage } from '../kafka/codec.ts';
import type { EventConsumerOptions } from '../kafka/consumer.ts';
import type { MessageHandler } from '../kafka/message-processor.ts';
import type { IdentifiedEvent, TransactionalHandler } from '../kafka/transactional.ts';
import type { Logger } from '../logger.ts';
import type { Registry } from '../metrics.ts';
import type { RetentionRule } from '../retention.ts';

/**
 * What a service is, declared once in its `src/main.ts` and started by the kit:
 *
 *   export const service = defineService({
 *     name: 'fraud',
 *     config: fraudConfig,
 *     database: { migrations: migrationsDir },
 *     wire: ({ config, pool }) => ({
 *       http: (base) => build({ ...base, pool }),
 *       consumers: { orderEvents: { topics: [config.ORDER_EVENTS_TOPIC], handle: judgeOrders(...) } },
 *     }),
 *   });
 *   if (import.meta.main) await runStandalone(service);
 *
 * The kit reads the config once, opens the database, then starts the parts `wire` returns in one
 * fixed order — HTTP (so /health answers), background parts, consumers, periodic tasks — and stops
 * them in reverse. `/ready` is assembled from what was started. The same definition runs alone in
 * its own process or beside others in one host process.
 */
export interface ServiceDefinition<S extends z.ZodObject = z.ZodObject> {
  /** `fraud`: names the logger, the metrics' `service` label, the process. */
  name: string;
  /** The environment it reads (checked once, before anything starts). */
  config: S;
  /**
   * Present when the service owns a schema: the kit opens the pool on `DATABASE_SCHEMA` and creates
   * or updates it: outbox and inbox, the outbox into Debezium's publication (so rows a migration
   * writes to the outbox are streamed too), then `migrations`.
   */
  database?: ServiceDatabase;
  /** Builds the service's parts from its config and the resources the kit opened. */
  wire(kit: ServiceKit<z.output<S>>): ServiceParts | Promise<ServiceParts>;
}

export interface ServiceDatabase {
  /** The service's `migrations/` folder of `NNN_name.sql` files (`new URL('../migrations/', import.meta.url)`). */
  migrations: URL | string;
  /** Connections the pool may hold; default 10. */
  poolSize?: number;
}

/** What `wire` receives. */
export interface ServiceKit<C> {
  name: string;
  config: C;
  logger: Logger;
  metrics: Registry;
  /** The pool on the service's own schema. Only for a definition with `database`; throws otherwise. */
  readonly pool: pg.Pool;
  /** A stop step of the service's own (a client it built); runs after the parts' stops, before the pool closes. */
  onStop(label: string, stop: () => unknown): void;
}

/** What the kit passes to a service's HTTP `build`: the app factory's shared options. */
export interface HttpBase {
  logger: Logger;
  metrics: Registry;
  /** Everything the kit started, plus the service's own checks: behind `GET /ready`. */
  readiness?: ReadinessCheck[];
  /**
   * Who may call each route (every route declares `x-access`): the kit verifies tokens with the
   * issuer the config names (`authConfig`), or with the service's own `verify`.
   */
  access?: AccessControlOptions;
}

export interface ServiceParts {
  /** Builds the HTTP app (routes on `buildHttpApp`); the kit listens on HTTP_HOST:HTTP_PORT. */
  http?: (base: HttpBase) => Promise<HttpApp>;
  /** Long-running parts started after HTTP and before the consumers (an SMTP server, a sender loop). */
  background?: Record<string, () => Promise<BackgroundPart> | BackgroundPart>;
  /** Consumer groups, started in the order given, after the background parts. */
  consumers?: Record<string, ConsumerSpec>;
  /** Passes run every `intervalMs`, one at a time, started after the consumers. */
  tasks?: Record<string, PeriodicSpec>;
  /** Checks of the service's own behind `/ready`, besides the ones the kit adds. */
  readiness?: ReadinessCheck[];
  /**
   * Verifies access tokens instead of the issuer the config names: the identity service, which
   * holds the signing keys, checks its own tokens without fetching its own key set.
   */
  verify?: TokenVerifier;
  /**
   * Tables of the service's own that only guard against redelivery: the kit's hourly retention task
   * prunes them with the inbox and the idempotency keys (see retention.ts).
   */
  retention?: RetentionRule[];
}

export interface BackgroundPart {
  stop(): unknown;
  /** Readiness: throws or returns false when the part cannot do its work. */
  check?(): unknown;
}

/** Retry and buffering knobs of one consumer; the kit's defaults fit most. */
export type ConsumerTuning = Pick<
  EventConsumerOptions,
  'maxAttempts' | 'retryBackoffMs' | 'maxRetryBackoffMs' | 'maxBufferedMessages' | 'maxBatchSize'
>;

/**
 * One consumer group. `handle` is either transactional — the kit opens the transaction, records the
 * event in the inbox (skipping one already seen), runs it and writes the outbox rows it published —
 * or a plain message handler for the rare service whose work cannot sit inside one transaction
 * (payments calls the provider between two).
 */
export interface ConsumerSpec extends ConsumerTuning {
  topics: readonly string[];
  /** The consumer group, also the inbox's consumer name; default the config's `CONSUMER_GROUP`. */
  group?: string;
  handle: TransactionalHandler<IdentifiedEvent> | MessageHandler;
  /**
   * A plain handler's filter: whether the group acts on a record at all (by its `type`, cheaply). One
   * it does not want is done at once, with no handler call and no trace span. A transactional
   * handler's `decode` says it already; there this is not taken.
   */
  wants?: (message: ConsumedMessage) => boolean;
}

export interface PeriodicSpec {
  intervalMs: number;
  run(): Promise<unknown>;
}

/** Declares a service; the identity function that gives the definition its types. */
export function defineService<S extends z.ZodObject>(definition: ServiceDefinition<S>): ServiceDefinition<S> {
  return definition;
}

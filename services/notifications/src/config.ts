import { topics } from '@microshop/contracts';
import { commonConfig, envInteger, envPort } from '@microshop/platform';
import { z } from 'zod';
import { type Backoff, defaultRoutedTopicPrefix, retryAttemptsFor } from './domain/routing.ts';
import { schemaName } from './store/database.ts';

/**
 * The environment of the notifications service, read once by main.ts. Topic, group and schema
 * names default to the real ones and are overridable for tests.
 */
export const notificationsConfig = z.object({
  ...commonConfig,
  HTTP_PORT: envPort(8104),
  /** The service's own PostgreSQL schema; only tests running the whole process change it. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case identifier')
    .default(schemaName),
  /** How long an order waits for its customer to be known before it is routed as bronze. */
  REFERENCE_GRACE_MS: envInteger({ min: 0, max: 3_600_000, default: 5_000 }),
  ORDER_EVENTS_TOPIC: z.string().min(1).default(topics.orderOutbox),
  CUSTOMERS_TOPIC: z.string().min(1).default(topics.customers),
  /** Routed orders go to `<prefix><level>`. */
  ROUTED_TOPIC_PREFIX: z.string().min(1).default(defaultRoutedTopicPrefix),
  DEAD_LETTER_TOPIC: z.string().min(1).default(topics.deadLetter),
  CONSUMER_GROUP: z.string().min(1).default('notifications'),
  /** Set by the stack runner (`notifications-2`); names this instance's Kafka client. */
  INSTANCE_ID: z.string().min(1).default('notifications'),
});
export type NotificationsConfig = z.output<typeof notificationsConfig>;

/** The consumer's retry backoff: capped low so an order waiting for its customer is routed soon after it arrives. */
export const consumerBackoff: Backoff = { initialMs: 200, maxMs: 1_000 };

/** Enough attempts for the retries to outlast the grace period (see retryAttemptsFor). */
export function consumerAttempts(config: NotificationsConfig): number {
  return retryAttemptsFor(config.REFERENCE_GRACE_MS, consumerBackoff);
}

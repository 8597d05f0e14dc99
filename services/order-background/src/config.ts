import { type TopicName, topics } from '@microshop/contracts';
import { commonConfig, envInteger, envPort } from '@microshop/platform';
import { z } from 'zod';
import type { Deadlines } from './domain/deadlines.ts';
import { schemaName } from './store/database.ts';

/**
 * The environment of the order-background service, read once by main.ts. The watchdog's times are
 * in milliseconds; topic and group names default to the real ones and are overridable for tests.
 */
export const orderBackgroundConfig = z.object({
  ...commonConfig,
  HTTP_PORT: envPort(8090),
  /** The service's own PostgreSQL schema; only tests running the whole process change it. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case identifier')
    .default(schemaName),
  /** How long an order may stay CREATED before the watchdog expires it. */
  WATCHDOG_CREATED_DEADLINE_MS: envInteger({ min: 1, default: 60_000 }),
  /** How long an order may stay VALIDATED before the watchdog expires it. */
  WATCHDOG_VALIDATED_DEADLINE_MS: envInteger({ min: 1, default: 120_000 }),
  /** How often the watchdog looks for orders past their deadline. */
  WATCHDOG_INTERVAL_MS: envInteger({ min: 10, max: 3_600_000, default: 1_000 }),
  ORDER_EVENTS_TOPIC: z.string().min(1).default(topics.orderOutbox),
  ORDER_COMMANDS_TOPIC: z.string().min(1).default(topics.orderCommands),
  DEAD_LETTER_TOPIC: z.string().min(1).default(topics.deadLetter),
  CONSUMER_GROUP: z.string().min(1).default('order-background'),
  /** Set by the stack runner (`order-background-2`); names this instance's Kafka client. */
  INSTANCE_ID: z.string().min(1).default('order-background'),
});
export type OrderBackgroundConfig = z.output<typeof orderBackgroundConfig>;

export function deadlinesOf(config: OrderBackgroundConfig): Deadlines {
  return { CREATED: config.WATCHDOG_CREATED_DEADLINE_MS, VALIDATED: config.WATCHDOG_VALIDATED_DEADLINE_MS };
}

/**
 * The commands topic as the outbox types it. Only the catalog's topics exist on the stack's broker;
 * another name is a test's own topic, which the outbox takes as it is.
 */
export function commandsTopicOf(config: OrderBackgroundConfig): TopicName {
  return config.ORDER_COMMANDS_TOPIC as TopicName;
}

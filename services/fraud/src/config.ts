import { type TopicName, topics } from '@microshop/contracts';
import { commonConfig, envInteger, envPort } from '@microshop/platform';
import { z } from 'zod';
import type { SessionRules } from './domain/session.ts';
import { schemaName } from './store/database.ts';

/**
 * The environment of the fraud service, read once by main.ts. Topic, group and schema names default
 * to the real ones and are overridable for tests.
 */
export const fraudConfig = z.object({
  ...commonConfig,
  HTTP_PORT: envPort(8111),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case identifier')
    .default(schemaName),
  /** An order more than this long after the session's last order opens a new session. */
  FRAUD_SESSION_GAP_MS: envInteger({ min: 1, default: 3_600_000 }),
  /** Session total (minor units, in the order's currency) at which an order fails: 2000.00. */
  FRAUD_LIMIT_MINOR: envInteger({ min: 1, max: Number.MAX_SAFE_INTEGER, default: 200_000 }),
  ORDER_EVENTS_TOPIC: z.string().min(1).default(topics.orderOutbox),
  ORDER_VALIDATIONS_TOPIC: z.string().min(1).default(topics.orderValidations),
  DEAD_LETTER_TOPIC: z.string().min(1).default(topics.deadLetter),
  CONSUMER_GROUP: z.string().min(1).default('fraud'),
  /** Set by the stack runner (`fraud-2`); names this instance's Kafka client. */
  INSTANCE_ID: z.string().min(1).default('fraud'),
});
export type FraudConfig = z.output<typeof fraudConfig>;

export function rulesOf(config: FraudConfig): SessionRules {
  return { gapMs: config.FRAUD_SESSION_GAP_MS, limit: config.FRAUD_LIMIT_MINOR };
}

/**
 * The validations topic as the outbox types it. Only the catalog's topics exist on the stack's
 * broker; another name is a test's own topic, which the outbox takes as it is.
 */
export function validationsTopicOf(config: FraudConfig): TopicName {
  return config.ORDER_VALIDATIONS_TOPIC as TopicName;
}

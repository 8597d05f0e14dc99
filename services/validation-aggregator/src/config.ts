import { type TopicName, topics } from '@microshop/contracts';
import { commonConfig, envPort } from '@microshop/platform';
import { z } from 'zod';
import { schemaName } from './store/database.ts';

/**
 * The environment of the validation aggregator, read once by main.ts. Topic, group and schema names
 * default to the real ones and are overridable for tests.
 */
export const aggregatorConfig = z.object({
  ...commonConfig,
  HTTP_PORT: envPort(8103),
  /** The service's own PostgreSQL schema; only tests running the whole process change it. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case identifier')
    .default(schemaName),
  VALIDATIONS_TOPIC: z.string().min(1).default(topics.orderValidations),
  DECISIONS_TOPIC: z.string().min(1).default(topics.orderDecisions),
  DEAD_LETTER_TOPIC: z.string().min(1).default(topics.deadLetter),
  CONSUMER_GROUP: z.string().min(1).default('validation-aggregator'),
  /** Set by the stack runner (`validation-aggregator-2`); names this instance's Kafka client. */
  INSTANCE_ID: z.string().min(1).default('validation-aggregator'),
});
export type AggregatorConfig = z.output<typeof aggregatorConfig>;

/** Only the catalog's topics exist on the stack's broker; another name is a test's own topic. */
export function decisionsTopicOf(config: AggregatorConfig): TopicName {
  return config.DECISIONS_TOPIC as TopicName;
}

import { type TopicName, topics } from '@microshop/contracts';
import { commonConfig, envPort } from '@microshop/platform';
import { z } from 'zod';
import { schemaName } from './store/database.ts';

/**
 * The environment of the customers service, read once by main.ts. The service only produces (through
 * its outbox), so it needs no Kafka connection; the topic name is overridable for tests.
 */
export const customersConfig = z.object({
  ...commonConfig,
  HTTP_PORT: envPort(8102),
  /** The service's own PostgreSQL schema; only tests running the whole process change it. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case identifier')
    .default(schemaName),
  CUSTOMERS_TOPIC: z.string().min(1).default(topics.customers),
  /** Set by the stack runner (`customers-2`); names this instance's database connections. */
  INSTANCE_ID: z.string().min(1).default('customers'),
});
export type CustomersConfig = z.output<typeof customersConfig>;

/** Only the catalog's topics exist on the stack's broker; another name is a test's own topic. */
export function customersTopicOf(config: CustomersConfig): TopicName {
  return config.CUSTOMERS_TOPIC as TopicName;
}

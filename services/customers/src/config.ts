import { type TopicName, topics } from '@microshop/contracts';
import { commonConfig, envPort, envTopic, serviceInstanceConfig } from '@microshop/platform';
import { z } from 'zod';

/**
 * The environment of the customers service, read once by main.ts. The service only produces (through
 * its outbox), so it needs no Kafka connection; the topic name is overridable for tests.
 */
export const customersConfig = z.object({
  ...commonConfig,
  ...serviceInstanceConfig({ instance: 'customers', schema: 'customers' }),
  HTTP_PORT: envPort(8102),
  CUSTOMERS_TOPIC: envTopic(topics.customers),
});
export type CustomersConfig = z.output<typeof customersConfig>;

/** Only the catalog's topics exist on the stack's broker; another name is a test's own topic. */
export function customersTopicOf(config: CustomersConfig): TopicName {
  return config.CUSTOMERS_TOPIC as TopicName;
}

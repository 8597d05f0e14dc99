import { type TopicName, topics } from '@microshop/contracts';
import { envTopic, serviceConfig } from '@microshop/platform';
import { z } from 'zod';

/**
 * The environment of the validation aggregator, read once by the kit. Topic, group and schema names
 * default to the real ones and are overridable for tests.
 */
export const aggregatorConfig = z.object({
  ...serviceConfig({ name: 'validation-aggregator', port: 8103 }),
  VALIDATIONS_TOPIC: envTopic(topics.orderValidations),
  DECISIONS_TOPIC: envTopic(topics.orderDecisions),
});
export type AggregatorConfig = z.output<typeof aggregatorConfig>;

/** Only the catalog's topics exist on the stack's broker; another name is a test's own topic. */
export function decisionsTopicOf(config: AggregatorConfig): TopicName {
  return config.DECISIONS_TOPIC as TopicName;
}

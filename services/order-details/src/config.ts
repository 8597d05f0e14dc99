import { type TopicName, topics } from '@microshop/contracts';
import { envInteger, envTopic, serviceConfig } from '@microshop/platform';
import { z } from 'zod';

/**
 * The environment of the order-details service, read once by the kit. Topic, group and schema names
 * default to the real ones and are overridable for tests. CONSUMER_GROUP reads OrderCreated.
 */
export const orderDetailsConfig = z.object({
  ...serviceConfig({ name: 'order-details', port: 8112 }),
  /** How long after its creation an order naming an unknown customer or sku stays parked, not failed. */
  REFERENCE_GRACE_MS: envInteger({ min: 0, max: 600_000, default: 5_000 }),
  /** How often the deadline loop fails the parked orders whose grace period is over. */
  PENDING_CHECK_INTERVAL_MS: envInteger({ min: 10, max: 60_000, default: 250 }),
  ORDER_EVENTS_TOPIC: envTopic(topics.orderOutbox),
  CUSTOMERS_TOPIC: envTopic(topics.customers),
  PRODUCTS_TOPIC: envTopic(topics.products),
  ORDER_VALIDATIONS_TOPIC: envTopic(topics.orderValidations),
  /** Reads the customers and products topics into the copies (see README: why a group of its own). */
  REFERENCE_CONSUMER_GROUP: z.string().min(1).default('order-details-references'),
});
export type OrderDetailsConfig = z.output<typeof orderDetailsConfig>;

/** The validations topic as the outbox types it (a test's own topic is taken as it is). */
export function validationsTopicOf(config: OrderDetailsConfig): TopicName {
  return config.ORDER_VALIDATIONS_TOPIC as TopicName;
}

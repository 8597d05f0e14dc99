import { type TopicName, topics } from '@microshop/contracts';
import { commonConfig, consumerConfig, envPort, serviceInstanceConfig } from '@microshop/platform';
import { z } from 'zod';
import type { InventoryTopics } from './handlers/publishing.ts';

const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a topic name');

/**
 * The environment of the inventory service, read once by the kit. Topic, group and schema names
 * default to the real ones and are overridable so a test runs the process on its own.
 */
export const inventoryConfig = z.object({
  ...commonConfig,
  ...serviceInstanceConfig({ instance: 'inventory', schema: 'inventory' }),
  ...consumerConfig({ group: 'inventory' }),
  HTTP_PORT: envPort(8103),
  /** Where the order status events come from. */
  ORDER_EVENTS_TOPIC: topicName.default(topics.orderOutbox),
  /** Where the INVENTORY verdicts go (through the outbox). */
  ORDER_VALIDATIONS_TOPIC: topicName.default(topics.orderValidations),
  /** Where product changes go (through the outbox); compacted. */
  PRODUCTS_TOPIC: topicName.default(topics.products),
  DEAD_LETTER_TOPIC: topicName.default(topics.deadLetter),
});
export type InventoryConfig = z.output<typeof inventoryConfig>;

/**
 * The outgoing topics as the outbox types them. Only the catalog's topics exist on the stack's
 * broker; another name is a test's own topic, which the outbox takes as it is.
 */
export function topicsOf(config: InventoryConfig): InventoryTopics {
  return {
    validations: config.ORDER_VALIDATIONS_TOPIC as TopicName,
    products: config.PRODUCTS_TOPIC as TopicName,
  };
}

import { type TopicName, topics } from '@microshop/contracts';
import { commonConfig, envPort } from '@microshop/platform';
import { z } from 'zod';
import { schemaName } from './store/database.ts';
import type { InventoryTopics } from './store/outbox-events.ts';

const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a topic name');

/**
 * The environment of the inventory service, read once by main.ts. Topic, group and schema names
 * default to the real ones and are overridable so a test runs the process on its own.
 */
export const inventoryConfig = z.object({
  ...commonConfig,
  HTTP_PORT: envPort(8103),
  /** The service's own PostgreSQL schema; only tests running the whole process change it. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case identifier')
    .default(schemaName),
  /** Where the order status events come from. */
  ORDER_EVENTS_TOPIC: topicName.default(topics.orderOutbox),
  /** Where the INVENTORY verdicts go (through the outbox). */
  ORDER_VALIDATIONS_TOPIC: topicName.default(topics.orderValidations),
  /** Where product changes go (through the outbox); compacted. */
  PRODUCTS_TOPIC: topicName.default(topics.products),
  DEAD_LETTER_TOPIC: topicName.default(topics.deadLetter),
  /** The consumer group, also the inbox's consumer name. */
  CONSUMER_GROUP: z.string().min(1).default('inventory'),
  /** Set by the stack runner (`inventory-2`); names this instance's Kafka client and connections. */
  INSTANCE_ID: z.string().min(1).default('inventory'),
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

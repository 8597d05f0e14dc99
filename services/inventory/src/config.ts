import { type TopicName, topics } from '@microshop/contracts';
import { envInteger, type RetentionRule, serviceConfig } from '@microshop/platform';
import { z } from 'zod';
import type { InventoryTopics } from './handlers/publishing.ts';

const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a topic name');

/**
 * The environment of the inventory service, read once by the kit. Topic, group and schema names
 * default to the real ones and are overridable so a test runs the process on its own.
 */
export const inventoryConfig = z.object({
  ...serviceConfig({ name: 'inventory', port: 8103 }),
  /** Where the order status events come from. */
  ORDER_EVENTS_TOPIC: topicName.default(topics.orderOutbox),
  /** Where the INVENTORY verdicts go (through the outbox). */
  ORDER_VALIDATIONS_TOPIC: topicName.default(topics.orderValidations),
  /** Where product changes go (through the outbox); compacted. */
  PRODUCTS_TOPIC: topicName.default(topics.products),
  DEAD_LETTER_TOPIC: topicName.default(topics.deadLetter),
  /** The consumer group that records every order's fate, apart from the reservations. */
  ORDER_FATES_GROUP: z.string().min(1).default('inventory-order-fates'),
  /** How often the reaper settles reservations whose order's fate is known but never settled them. */
  REAPER_INTERVAL_MS: envInteger({ min: 100, max: 3_600_000, default: 30_000 }),
  /** How long after a fate was seen before the reaper acts: the order's own event goes first. */
  REAPER_GRACE_MS: envInteger({ min: 0, max: 86_400_000, default: 60_000 }),
  /**
   * RESERVED lines older than this whose order's fate was never seen are reported: the sum of the
   * watchdog's CREATED, VALIDATED and APPROVED deadlines (60 s + 120 s + 600 s) by default.
   */
  REAPER_REPORT_AFTER_MS: envInteger({ min: 1_000, max: 30 * 86_400_000, default: 780_000 }),
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

/** A fate is needed only while its order's reservations may still be settled: kept as long as the inbox. */
export function retentionOf(config: InventoryConfig): RetentionRule[] {
  return [{ table: 'order_fates', column: 'seen_at', keepMs: config.INBOX_RETENTION_HOURS * 3_600_000 }];
}

import { type TopicName, topics } from '@microshop/contracts';
import { envInteger, envTopic, type RetentionRule, serviceConfig } from '@microshop/platform';
import { z } from 'zod';
import type { Deadlines } from './domain/deadlines.ts';

/**
 * The environment of the order-background service, read once by main.ts. The watchdog's times are
 * in milliseconds; topic and group names default to the real ones and are overridable for tests.
 */
export const orderBackgroundConfig = z.object({
  ...serviceConfig({ name: 'order-background', port: 8090 }),
  /** How long an order may stay CREATED before the watchdog expires it. */
  WATCHDOG_CREATED_DEADLINE_MS: envInteger({ min: 1, default: 60_000 }),
  /** How long an order may stay VALIDATED before the watchdog expires it. */
  WATCHDOG_VALIDATED_DEADLINE_MS: envInteger({ min: 1, default: 120_000 }),
  /** How long an order may stay APPROVED (no shipment booked) before the watchdog cancels it. */
  WATCHDOG_APPROVED_DEADLINE_MS: envInteger({ min: 1, default: 600_000 }),
  /** How long an order may stay SHIPPED (no delivery reported) before it is flagged to operators. */
  WATCHDOG_SHIPPED_DEADLINE_MS: envInteger({ min: 1, default: 86_400_000 }),
  /** How often the watchdog looks for orders past their deadline. */
  WATCHDOG_INTERVAL_MS: envInteger({ min: 10, max: 3_600_000, default: 1_000 }),
  /**
   * A gap longer than this between two heartbeats read back soon after they were written (the
   * operations service writes one every 2 s) is a pause in the event flow that no deadline counts.
   */
  WATCHDOG_FLOW_THRESHOLD_MS: envInteger({ min: 1_000, max: 3_600_000, default: 10_000 }),
  ORDER_EVENTS_TOPIC: envTopic(topics.orderOutbox),
  HEARTBEAT_TOPIC: envTopic(topics.heartbeats),
  /** The group that reads the heartbeats: every instance folds them into the same proofs. */
  FLOW_CONSUMER_GROUP: z.string().min(1).default('order-background-flow'),
  ORDER_COMMANDS_TOPIC: envTopic(topics.orderCommands),
});
export type OrderBackgroundConfig = z.output<typeof orderBackgroundConfig>;

export function deadlinesOf(config: OrderBackgroundConfig): Deadlines {
  return {
    CREATED: config.WATCHDOG_CREATED_DEADLINE_MS,
    VALIDATED: config.WATCHDOG_VALIDATED_DEADLINE_MS,
    APPROVED: config.WATCHDOG_APPROVED_DEADLINE_MS,
    SHIPPED: config.WATCHDOG_SHIPPED_DEADLINE_MS,
  };
}

/**
 * The commands topic as the outbox types it. Only the catalog's topics exist on the stack's broker;
 * another name is a test's own topic, which the outbox takes as it is.
 */
export function commandsTopicOf(config: OrderBackgroundConfig): TopicName {
  return config.ORDER_COMMANDS_TOPIC as TopicName;
}

/**
 * Sent deadlines only guard against acting twice on one (order, status): kept as long as the inbox.
 * A pause matters to the deadlines of orders that entered their status before it ended: kept at least
 * twice the longest deadline.
 */
export function retentionOf(config: OrderBackgroundConfig): RetentionRule[] {
  const inboxMs = config.INBOX_RETENTION_HOURS * 3_600_000;
  const longestDeadline = Math.max(...Object.values(deadlinesOf(config)));
  return [
    { table: 'order_deadlines', column: 'expiry_sent_at', keepMs: inboxMs },
    { table: 'deadline_pauses', column: 'ended_at', keepMs: Math.max(inboxMs, 2 * longestDeadline) },
  ];
}

import { type TopicName, topics } from '@microshop/contracts';
import { commaList, envHttpUrl, envInteger, envTopic, serviceConfig } from '@microshop/platform';
import { z } from 'zod';

/**
 * The environment of the operations service, read once by the kit before anything starts. Topic, group
 * and schema names default to the real ones and are overridable for tests. Times are in milliseconds.
 */
export const operationsConfig = z.object({
  // Its group reads the heartbeats back; the dead letters have a group of their own.
  ...serviceConfig({ name: 'operations', port: 8123 }),
  DEAD_LETTER_GROUP: z.string().min(1).default('operations-dead-letters'),
  HEARTBEAT_TOPIC: envTopic(topics.heartbeats),
  CONNECT_URL: envHttpUrl('http://127.0.0.1:18083'),
  /** The groups' services: a group named after one (`order-details-references`) belongs to it. */
  KNOWN_SERVICES: z
    .string()
    .default(
      'orders,order-background,customers,inventory,fraud,order-details,validation-aggregator,' +
        'notifications,payments,shipments,operations',
    )
    .transform(commaList),
  /** Redriven records produced per second at most, so a bulk redrive does not flood a consumer. */
  REDRIVE_RATE_PER_SECOND: envInteger({ min: 1, max: 10_000, default: 50 }),
  HEARTBEAT_INTERVAL_MS: envInteger({ min: 100, max: 60_000, default: 2_000 }),
  /** No heartbeat back within this long: event flow is down, /ready fails. */
  EVENT_FLOW_THRESHOLD_MS: envInteger({ min: 1_000, max: 3_600_000, default: 30_000 }),
  WATCHDOG_INTERVAL_MS: envInteger({ min: 100, max: 600_000, default: 5_000 }),
  /** The watchdog's wait before restarting a connector again, doubled each time up to the max. */
  WATCHDOG_BACKOFF_MS: envInteger({ min: 0, max: 3_600_000, default: 10_000 }),
  WATCHDOG_MAX_BACKOFF_MS: envInteger({ min: 0, max: 86_400_000, default: 300_000 }),
  /**
   * The key the stack's processes show the trace receiver (`x-trace-ingest-key`); unset, it accepts
   * no spans. The stack generates one per stack (secrets.json).
   */
  TRACE_INGEST_KEY: z.string().min(16).optional(),
  /** Received spans are kept this long (the trace store is for recent orders, not an archive). */
  TRACE_RETENTION_HOURS: envInteger({ min: 1, max: 24 * 30, default: 24 }),
  /** Slot, outbox, dead-letter and consumer-group figures are sampled this often. */
  SAMPLE_INTERVAL_MS: envInteger({ min: 100, max: 600_000, default: 5_000 }),
});
export type OperationsConfig = z.output<typeof operationsConfig>;

/** The heartbeat topic as the outbox types it (a test passes a topic of its own). */
export function heartbeatTopicOf(config: OperationsConfig): TopicName {
  return config.HEARTBEAT_TOPIC as TopicName;
}

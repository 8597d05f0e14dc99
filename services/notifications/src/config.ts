import { topics } from '@microshop/contracts';
import {
  commonConfig,
  consumerConfig,
  envInteger,
  envPort,
  envTopic,
  serviceInstanceConfig,
} from '@microshop/platform';
import { z } from 'zod';
import type { SendBackoff } from './domain/delivery.ts';
import type { GracePeriods } from './domain/emails.ts';
import type { ForwardingRules } from './domain/forwarding.ts';
import { defaultRoutedTopicPrefix } from './domain/routing.ts';

/**
 * The environment of the notifications service, read once by the kit. Topic, group and schema
 * names default to the real ones and are overridable for tests.
 */
export const notificationsConfig = z.object({
  ...commonConfig,
  ...serviceInstanceConfig({ instance: 'notifications', schema: 'notifications' }),
  ...consumerConfig({ group: 'notifications' }),
  HTTP_PORT: envPort(8104),
  /** How long an order waits for its customer to be known before it is routed as bronze. */
  REFERENCE_GRACE_MS: envInteger({ min: 0, max: 3_600_000, default: 5_000 }),
  ORDER_EVENTS_TOPIC: envTopic(topics.orderOutbox),
  CUSTOMERS_TOPIC: envTopic(topics.customers),
  /** Routed orders go to `<prefix><level>`. */
  ROUTED_TOPIC_PREFIX: z.string().min(1).default(defaultRoutedTopicPrefix),
  /** How often the parked order events whose wait is over are taken up again. */
  PARKED_EVENTS_INTERVAL_MS: envInteger({ min: 10, max: 60_000, default: 250 }),
  PAYMENTS_TOPIC: envTopic(topics.payments),
  SHIPMENTS_TOPIC: envTopic(topics.shipments),
  ...emailConfig(),
});
export type NotificationsConfig = z.output<typeof notificationsConfig>;

/** The customer emails' variables. */
function emailConfig() {
  const ms = (min: number, max: number, defaultMs: number) => envInteger({ min, max, default: defaultMs });
  return {
    /** Dev default: the stack's mail-sink; the stack runner always sets it. */
    SMTP_URL: z
      .url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' })
      .default('smtp://127.0.0.1:2525'),
    MAIL_FROM: z.string().trim().min(3).default('microshop <orders@microshop.local>'),
    /** Connecting, the greeting and silence on the socket; within the 10 s stop deadline. */
    SMTP_TIMEOUT_MS: ms(100, 60_000, 5_000),
    SMTP_MAX_CONNECTIONS: envInteger({ min: 1, max: 50, default: 5 }),
    /** How often the sender loop looks for due emails (a queued email also wakes it at once). */
    MAIL_SENDER_INTERVAL_MS: ms(10, 60_000, 1_000),
    MAIL_BATCH_SIZE: envInteger({ min: 1, max: 500, default: 20 }),
    /** After a failed attempt: initial, doubled each time, capped. */
    MAIL_RETRY_INITIAL_MS: ms(10, 3_600_000, 1_000),
    MAIL_RETRY_MAX_MS: ms(10, 86_400_000, 30_000),
    /** How long a SHIPPED email waits for the tracking number. */
    TRACKING_GRACE_MS: ms(0, 3_600_000, 10_000),
    /** How long a paid order's CANCELLED email waits for its refund. */
    REFUND_GRACE_MS: ms(0, 3_600_000, 10_000),
    /** Order events older than this get no email (a replayed backlog is not news). */
    EMAIL_STALE_MS: ms(1_000, 30 * 86_400_000, 86_400_000),
  };
}

export function emailGrace(config: NotificationsConfig): GracePeriods {
  return {
    customerMs: config.REFERENCE_GRACE_MS,
    trackingMs: config.TRACKING_GRACE_MS,
    refundMs: config.REFUND_GRACE_MS,
    staleMs: config.EMAIL_STALE_MS,
  };
}

/** What routing and the emails wait for and how long (shared by the consumer and the parked-events task). */
export function forwardingRules(config: NotificationsConfig): ForwardingRules {
  return {
    routing: { graceMs: config.REFERENCE_GRACE_MS, topicPrefix: config.ROUTED_TOPIC_PREFIX },
    emails: { grace: emailGrace(config) },
  };
}

export function sendBackoff(config: NotificationsConfig): SendBackoff {
  return {
    initialMs: config.MAIL_RETRY_INITIAL_MS,
    maxMs: Math.max(config.MAIL_RETRY_INITIAL_MS, config.MAIL_RETRY_MAX_MS),
  };
}

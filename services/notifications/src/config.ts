import { topics } from '@microshop/contracts';
import { envInteger, envTopic, serviceConfig } from '@microshop/platform';
import { z } from 'zod';
import type { SmtpMailerOptions } from './clients/smtp-mailer.ts';
import type { SendBackoff } from './domain/delivery.ts';
import type { GracePeriods } from './domain/emails.ts';
import type { ForwardingRules } from './domain/forwarding.ts';
import { defaultRoutedTopicPrefix } from './domain/routing.ts';

/**
 * The environment of the notifications service, read once by the kit. Topic, group and schema
 * names default to the real ones and are overridable for tests.
 */
export const notificationsConfig = z
  .object({
    ...serviceConfig({ name: 'notifications', port: 8104 }),
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
  })
  .superRefine((config, context) => {
    // A send takes at most a connection, a greeting and a quiet socket: a claim shorter than that
    // could lapse while the send is still going, and the email would be sent twice.
    if (config.MAIL_CLAIM_MS < 3 * config.SMTP_TIMEOUT_MS) {
      context.addIssue({
        code: 'custom',
        path: ['MAIL_CLAIM_MS'],
        message: 'must be at least 3 × SMTP_TIMEOUT_MS (connection, greeting and socket timeouts)',
      });
    }
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
    /** How often the sender loop looks for due emails (a queued email also wakes it). */
    MAIL_SENDER_INTERVAL_MS: ms(10, 60_000, 1_000),
    /**
     * How long after a queued email wakes it the sender's pass runs, so the emails of orders arriving
     * together are claimed and recorded together (two transactions a pass, not two an email).
     */
    MAIL_SENDER_LINGER_MS: ms(0, 5_000, 200),
    MAIL_BATCH_SIZE: envInteger({ min: 1, max: 500, default: 20 }),
    /**
     * How long a claimed email is held for its send; past it, an email still SENDING (its sender died
     * between the send and the record) is sent again. Keep it above a send's worst case.
     */
    MAIL_CLAIM_MS: ms(1_000, 3_600_000, 60_000),
    /** After a failed attempt: initial, doubled each time, capped. */
    MAIL_RETRY_INITIAL_MS: ms(10, 3_600_000, 1_000),
    MAIL_RETRY_MAX_MS: ms(10, 86_400_000, 30_000),
    /** How long a SHIPPED email waits for the tracking number. */
    TRACKING_GRACE_MS: ms(0, 3_600_000, 10_000),
    /** How long a paid order's CANCELLED email waits for its refund. */
    REFUND_GRACE_MS: ms(0, 3_600_000, 10_000),
  };
}

export function emailGrace(config: NotificationsConfig): GracePeriods {
  return {
    customerMs: config.REFERENCE_GRACE_MS,
    trackingMs: config.TRACKING_GRACE_MS,
    refundMs: config.REFUND_GRACE_MS,
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

/** The SMTP client of SMTP_URL as given: smtp:// or smtps://, user:password@host:port, tls.* options. */
export function smtpOptionsOf(config: NotificationsConfig): SmtpMailerOptions {
  return {
    url: config.SMTP_URL,
    timeoutMs: config.SMTP_TIMEOUT_MS,
    maxConnections: config.SMTP_MAX_CONNECTIONS,
  };
}

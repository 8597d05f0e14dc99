import { defineService, runStandalone } from '@microshop/platform';
import { createSmtpMailer } from './clients/smtp-mailer.ts';
import { forwardingRules, notificationsConfig, sendBackoff, smtpOptionsOf } from './config.ts';
import type { Progress } from './handlers/forwarding.ts';
import { notificationsHandler } from './handlers/messages.ts';
import { build } from './http/routes.ts';
import { type MailSender, startMailSender } from './tasks/mail-sender.ts';
import { takeUpOverdue } from './tasks/parked-events.ts';

// The one wiring place of the notifications service. The kit starts, in this order: its database
// (Debezium streams the routed orders from this schema's outbox) → HTTP (so /health answers) → the
// email sender (emails left PENDING go out even before the consumer has joined) → the consumer →
// the parked-events task; stop runs backwards, then the SMTP connections close.
//
// An order event whose routing or email waits for a fact (the customer, a tracking number, a refund)
// is parked (parked_events), never retried on its partition: the event bringing the fact takes it up,
// the parked-events task does once its wait is over.

export const service = defineService({
  name: 'notifications',
  config: notificationsConfig,
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: ({ config, pool, logger, onStop }) => {
    const mailer = createSmtpMailer(smtpOptionsOf(config));
    onStop('smtp', () => mailer.close());
    let sender: MailSender | undefined;
    // A committed email wakes the sender at once instead of at its next tick.
    const onCommitted = (progress: Progress) => {
      if (progress.emails.length > 0) sender?.wake();
    };
    const forwarding = forwardingRules(config);
    return {
      http: (base) => build({ ...base, pool }),
      background: {
        'mail sender': () => {
          sender = startMailSender({
            pool,
            mailer,
            from: config.MAIL_FROM,
            backoff: sendBackoff(config),
            batchSize: config.MAIL_BATCH_SIZE,
            claimMs: config.MAIL_CLAIM_MS,
            intervalMs: config.MAIL_SENDER_INTERVAL_MS,
            lingerMs: config.MAIL_SENDER_LINGER_MS,
            logger: logger.child({ component: 'mail-sender' }),
          });
          return sender;
        },
      },
      consumers: {
        events: {
          topics: [
            config.CUSTOMERS_TOPIC,
            config.PAYMENTS_TOPIC,
            config.SHIPMENTS_TOPIC,
            config.ORDER_EVENTS_TOPIC,
          ],
          handle: notificationsHandler({
            pool,
            consumer: config.CONSUMER_GROUP,
            topics: {
              orderEvents: config.ORDER_EVENTS_TOPIC,
              customers: config.CUSTOMERS_TOPIC,
              payments: config.PAYMENTS_TOPIC,
              shipments: config.SHIPMENTS_TOPIC,
            },
            ...forwarding,
            onCommitted,
          }),
        },
      },
      tasks: {
        'parked-events loop': {
          intervalMs: config.PARKED_EVENTS_INTERVAL_MS,
          run: () =>
            takeUpOverdue({
              pool,
              ...forwarding,
              onCommitted,
              logger: logger.child({ component: 'parked-events' }),
            }),
        },
      },
    };
  },
});

if (import.meta.main) await runStandalone(service);

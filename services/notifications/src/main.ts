import {
  createConsumerRunner,
  createEventConsumer,
  createMetrics,
  groupConsumerOptions,
  listenHttp,
  openServiceDatabase,
  ping,
  runService,
} from '@microshop/platform';
import { emailGrace, notificationsConfig, sendBackoff } from './config.ts';
import { startMailSender } from './handlers/mail-sender.ts';
import { createNotificationsHandler } from './handlers/messages.ts';
import { type ParkedLoop, startParkedLoop } from './handlers/parked-loop.ts';
import { createSmtpMailer } from './handlers/smtp-mailer.ts';
import { buildHttp } from './http/app.ts';
import { migrateSchema } from './store/database.ts';

// The one wiring place of the notifications service (started as
// `node services/notifications/src/main.ts`; the stack runner waits for GET /ready).
// Start order: database → HTTP (so /health answers) → email sender (emails left PENDING go out even
// before the consumer has joined) → consumer → parked-events loop; stop runs backwards.
//
// An order event whose routing or email waits for a fact (the customer, a tracking number, a refund)
// is parked (parked_events), never retried on its partition: the event bringing the fact takes it up,
// the parked-events loop does once its wait is over.

await runService({
  name: 'notifications',
  config: notificationsConfig,
  start: async ({ config, logger, onStop }) => {
    // Debezium streams the routed orders from this schema's outbox.
    const pool = await openServiceDatabase({ config, logger, onStop }, migrateSchema);

    const metrics = createMetrics('notifications');
    const consumers = createConsumerRunner(onStop);
    let parkedLoop: ParkedLoop | undefined;
    const app = await buildHttp({
      pool,
      logger,
      metrics,
      readiness: [
        { name: 'database', check: () => ping(pool) },
        { name: 'consumer', check: consumers.running },
        { name: 'parked-events loop', check: () => parkedLoop?.check() ?? false },
      ],
    });
    await listenHttp(app, { config, onStop });

    const mailer = createSmtpMailer({
      url: config.SMTP_URL,
      timeoutMs: config.SMTP_TIMEOUT_MS,
      maxConnections: config.SMTP_MAX_CONNECTIONS,
    });
    onStop('smtp', () => mailer.close());
    const sender = startMailSender({
      pool,
      mailer,
      from: config.MAIL_FROM,
      backoff: sendBackoff(config),
      batchSize: config.MAIL_BATCH_SIZE,
      intervalMs: config.MAIL_SENDER_INTERVAL_MS,
      logger: logger.child({ component: 'mail-sender' }),
    });
    onStop('mail-sender', () => sender.stop());

    const routing = { graceMs: config.REFERENCE_GRACE_MS, topicPrefix: config.ROUTED_TOPIC_PREFIX };
    const emails = { grace: emailGrace(config) };
    await consumers.start({
      consumer: createEventConsumer({
        ...groupConsumerOptions(config, { logger, metrics }),
        topics: [
          config.CUSTOMERS_TOPIC,
          config.PAYMENTS_TOPIC,
          config.SHIPMENTS_TOPIC,
          config.ORDER_EVENTS_TOPIC,
        ],
        handle: createNotificationsHandler({
          pool,
          consumer: config.CONSUMER_GROUP,
          topics: {
            orderEvents: config.ORDER_EVENTS_TOPIC,
            customers: config.CUSTOMERS_TOPIC,
            payments: config.PAYMENTS_TOPIC,
            shipments: config.SHIPMENTS_TOPIC,
          },
          routing,
          emails,
          onEmailQueued: sender.wake,
        }),
      }),
    });

    const loop = startParkedLoop({
      pool,
      routing,
      emails,
      onEmailQueued: sender.wake,
      intervalMs: config.PARKED_EVENTS_INTERVAL_MS,
      logger: logger.child({ component: 'parked-events' }),
    });
    parkedLoop = loop;
    onStop('parked-events loop', () => loop.stop());
  },
});

import { randomUUID } from 'node:crypto';
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
import { backoffOf, paymentsConfig, paymentsTopicOf, providerUrlOf } from './config.ts';
import { createOrderEventHandler } from './handlers/order-events.ts';
import { buildHttp } from './http/routes.ts';
import { createHttpProvider } from './provider/http-provider.ts';
import { migrateSchema } from './store/database.ts';

// The one wiring place of the payments service (started as `node services/payments/src/main.ts`;
// the stack runner waits for GET /ready). Start order: database → provider client → HTTP (so
// /health answers) → consumer; stop runs backwards.

await runService({
  name: 'payments',
  config: paymentsConfig,
  start: async ({ config, logger, onStop }) => {
    const pool = await openServiceDatabase({ config, logger, onStop }, migrateSchema, {
      applicationName: `payments:${config.INSTANCE_ID}`,
    });

    const provider = createHttpProvider({
      baseUrl: providerUrlOf(config),
      timeoutMs: config.PAYMENT_TIMEOUT_MS,
      backoff: backoffOf(config),
      logger: logger.child({ component: 'payment-provider' }),
    });
    onStop('payment provider', () => provider.close());

    const metrics = createMetrics('payments');
    const consumers = createConsumerRunner(onStop);
    const app = await buildHttp({
      pool,
      logger,
      metrics,
      readiness: [
        { name: 'database', check: () => ping(pool) },
        { name: `consumer:${config.CONSUMER_GROUP}`, check: consumers.running },
      ],
    });
    await listenHttp(app, { config, onStop });

    await consumers.start({
      consumer: createEventConsumer({
        ...groupConsumerOptions(config, { logger, metrics }),
        topics: [config.ORDER_EVENTS_TOPIC],
        handle: createOrderEventHandler({
          pool,
          consumer: config.CONSUMER_GROUP,
          provider,
          paymentsTopic: paymentsTopicOf(config),
          now: () => new Date(),
          newId: randomUUID,
        }),
        // A provider outage may last a while: retry the event longer before dead-lettering it.
        maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
        retryBackoffMs: config.CONSUMER_RETRY_BACKOFF_MS,
      }),
    });
  },
});

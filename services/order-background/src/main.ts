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
import { commandsTopicOf, deadlinesOf, orderBackgroundConfig } from './config.ts';
import { buildHttp } from './handlers/http-routes.ts';
import { createOrderEventHandler } from './handlers/order-events.ts';
import { startWatchdog } from './handlers/watchdog.ts';
import { migrateSchema } from './store/database.ts';

// The one wiring place of the order-background service (started as
// `node services/order-background/src/main.ts`; the stack runner waits for GET /ready).
// Start order: database → HTTP (so /health answers) → consumer → watchdog; stop runs backwards.

await runService({
  name: 'order-background',
  config: orderBackgroundConfig,
  start: async ({ config, logger, onStop }) => {
    // Debezium streams the watchdog's commands from this schema's outbox.
    const pool = await openServiceDatabase({ config, logger, onStop }, migrateSchema);

    const metrics = createMetrics('order-background');
    const consumers = createConsumerRunner(onStop);
    const app = await buildHttp({
      pool,
      logger,
      metrics,
      readiness: [
        { name: 'database', check: () => ping(pool) },
        { name: 'consumer', check: consumers.running },
      ],
    });
    await listenHttp(app, { config, onStop });

    await consumers.start({
      consumer: createEventConsumer({
        ...groupConsumerOptions(config, { logger, metrics }),
        topics: [config.ORDER_EVENTS_TOPIC],
        handle: createOrderEventHandler({ pool, consumer: config.CONSUMER_GROUP }),
      }),
    });

    const watchdog = startWatchdog({
      pool,
      deadlines: deadlinesOf(config),
      intervalMs: config.WATCHDOG_INTERVAL_MS,
      commandsTopic: commandsTopicOf(config),
      logger: logger.child({ component: 'watchdog' }),
    });
    onStop('watchdog', () => watchdog.stop());
  },
});

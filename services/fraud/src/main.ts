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
import { fraudConfig, rulesOf, validationsTopicOf } from './config.ts';
import { buildHttp } from './handlers/http-routes.ts';
import { createOrderCreatedHandler } from './handlers/order-created.ts';
import { migrateSchema } from './store/database.ts';

// The one wiring place of the fraud service (started as `node services/fraud/src/main.ts`; the stack
// runner waits for GET /ready). Start order: database → HTTP (so /health answers) → consumer; stop
// runs backwards.

await runService({
  name: 'fraud',
  config: fraudConfig,
  start: async ({ config, logger, onStop }) => {
    // Debezium streams the verdicts from this schema's outbox.
    const pool = await openServiceDatabase({ config, logger, onStop }, migrateSchema);

    const metrics = createMetrics('fraud');
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
        handle: createOrderCreatedHandler({
          pool,
          consumer: config.CONSUMER_GROUP,
          rules: rulesOf(config),
          validationsTopic: validationsTopicOf(config),
        }),
      }),
    });
    logger.info(rulesOf(config), 'fraud rules');
  },
});

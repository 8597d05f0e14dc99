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
import { aggregatorConfig, decisionsTopicOf } from './config.ts';
import { createValidationHandler } from './handlers/validation-results.ts';
import { buildHttp } from './http/routes.ts';
import { migrateSchema } from './store/database.ts';

// The one wiring place of the validation aggregator (started as
// `node services/validation-aggregator/src/main.ts`; the stack runner waits for GET /ready).
// Start order: database → HTTP (so /health answers) → consumer; stop runs backwards.

await runService({
  name: 'validation-aggregator',
  config: aggregatorConfig,
  start: async ({ config, logger, onStop }) => {
    // Debezium streams the decisions from this schema's outbox.
    const pool = await openServiceDatabase({ config, logger, onStop }, migrateSchema);

    const metrics = createMetrics('validation-aggregator');
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
        topics: [config.VALIDATIONS_TOPIC],
        handle: createValidationHandler({
          pool,
          consumer: config.CONSUMER_GROUP,
          decisionsTopic: decisionsTopicOf(config),
        }),
      }),
    });
  },
});

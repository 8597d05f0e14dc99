import {
  createEventConsumer,
  createMetrics,
  createPool,
  ping,
  publishOutbox,
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
    const pool = createPool({
      connectionString: config.DATABASE_URL,
      schema: config.DATABASE_SCHEMA,
      applicationName: config.INSTANCE_ID,
      logger,
    });
    onStop('database', () => pool.end());
    await migrateSchema(pool, config.DATABASE_SCHEMA, logger);
    // Debezium streams the decisions from this outbox: register it on every start.
    await publishOutbox(pool, config.DATABASE_SCHEMA);

    const metrics = createMetrics('validation-aggregator');
    let consuming = false;
    const app = await buildHttp({
      pool,
      logger,
      metrics,
      readiness: [
        { name: 'database', check: () => ping(pool) },
        { name: 'consumer', check: () => consuming },
      ],
    });
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    onStop('http', () => app.close());

    const consumer = createEventConsumer({
      bootstrapServers: config.KAFKA_BOOTSTRAP_SERVERS,
      groupId: config.CONSUMER_GROUP,
      clientId: config.INSTANCE_ID,
      topics: [config.VALIDATIONS_TOPIC],
      logger,
      metrics,
      handle: createValidationHandler({
        pool,
        consumer: config.CONSUMER_GROUP,
        decisionsTopic: decisionsTopicOf(config),
      }),
      deadLetter: { topic: config.DEAD_LETTER_TOPIC },
    });
    onStop('consumer', async () => {
      consuming = false;
      await consumer.stop();
    });
    await consumer.start();
    consuming = true;
  },
});

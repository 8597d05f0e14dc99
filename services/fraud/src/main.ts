import {
  createEventConsumer,
  createMetrics,
  createPool,
  ping,
  publishOutbox,
  type ReadinessCheck,
  runService,
} from '@microshop/platform';
import { type FraudConfig, fraudConfig, rulesOf, validationsTopicOf } from './config.ts';
import { buildHttp, type HttpOptions } from './handlers/http-routes.ts';
import { createOrderCreatedHandler } from './handlers/order-created.ts';
import { migrateSchema } from './store/database.ts';

// The one wiring place of the fraud service (started as `node services/fraud/src/main.ts`; the stack
// runner waits for GET /ready). Start order: database → HTTP (so /health answers) → consumer; stop
// runs backwards.

await runService({
  name: 'fraud',
  config: fraudConfig,
  start: async ({ config, logger, onStop }) => {
    const pool = createPool({
      connectionString: config.DATABASE_URL,
      schema: config.DATABASE_SCHEMA,
      applicationName: config.INSTANCE_ID,
      logger,
    });
    onStop('database', () => pool.end());
    await migrateSchema(pool, config.DATABASE_SCHEMA, logger);
    // Debezium streams the verdicts from this outbox: register it on every start.
    await publishOutbox(pool, config.DATABASE_SCHEMA);

    const metrics = createMetrics('fraud');
    let consuming = false;
    await startHttp(config, { pool, logger, metrics }, onStop, [
      { name: 'database', check: () => ping(pool) },
      { name: 'consumer', check: () => consuming },
    ]);

    const consumer = createEventConsumer({
      bootstrapServers: config.KAFKA_BOOTSTRAP_SERVERS,
      groupId: config.CONSUMER_GROUP,
      clientId: config.INSTANCE_ID,
      topics: [config.ORDER_EVENTS_TOPIC],
      logger,
      metrics,
      handle: createOrderCreatedHandler({
        pool,
        consumer: config.CONSUMER_GROUP,
        rules: rulesOf(config),
        validationsTopic: validationsTopicOf(config),
      }),
      deadLetter: { topic: config.DEAD_LETTER_TOPIC },
    });
    onStop('consumer', async () => {
      consuming = false;
      await consumer.stop();
    });
    await consumer.start();
    consuming = true;
    logger.info(rulesOf(config), 'fraud rules');
  },
});

async function startHttp(
  config: FraudConfig,
  deps: Omit<HttpOptions, 'readiness'>,
  onStop: (label: string, stop: () => unknown) => void,
  readiness: ReadinessCheck[],
): Promise<void> {
  const app = await buildHttp({ ...deps, readiness });
  await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
  onStop('http', () => app.close());
}

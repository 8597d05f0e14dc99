import {
  createEventConsumer,
  createMetrics,
  createPool,
  ping,
  publishOutbox,
  runService,
} from '@microshop/platform';
import { consumerAttempts, consumerBackoff, notificationsConfig } from './config.ts';
import { createNotificationsHandler } from './handlers/messages.ts';
import { buildHttp } from './http/app.ts';
import { migrateSchema } from './store/database.ts';

// The one wiring place of the notifications service (started as
// `node services/notifications/src/main.ts`; the stack runner waits for GET /ready).
// Start order: database → HTTP (so /health answers) → consumer; stop runs backwards.

await runService({
  name: 'notifications',
  config: notificationsConfig,
  start: async ({ config, logger, onStop }) => {
    const pool = createPool({
      connectionString: config.DATABASE_URL,
      schema: config.DATABASE_SCHEMA,
      applicationName: config.INSTANCE_ID,
      logger,
    });
    onStop('database', () => pool.end());
    await migrateSchema(pool, config.DATABASE_SCHEMA, logger);
    // Debezium streams the routed orders from this outbox: register it on every start.
    await publishOutbox(pool, config.DATABASE_SCHEMA);

    const metrics = createMetrics('notifications');
    let consuming = false;
    const app = await buildHttp({
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
      topics: [config.CUSTOMERS_TOPIC, config.ORDER_EVENTS_TOPIC],
      logger,
      metrics,
      handle: createNotificationsHandler({
        pool,
        consumer: config.CONSUMER_GROUP,
        topics: { orderEvents: config.ORDER_EVENTS_TOPIC, customers: config.CUSTOMERS_TOPIC },
        routing: { graceMs: config.REFERENCE_GRACE_MS, topicPrefix: config.ROUTED_TOPIC_PREFIX },
      }),
      // An order may wait for its customer for the whole grace period before it is routed as bronze.
      maxAttempts: consumerAttempts(config),
      retryBackoffMs: consumerBackoff.initialMs,
      maxRetryBackoffMs: consumerBackoff.maxMs,
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

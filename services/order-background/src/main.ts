import {
  createEventConsumer,
  createMetrics,
  createPool,
  ping,
  publishOutbox,
  type ReadinessCheck,
  runService,
} from '@microshop/platform';
import { commandsTopicOf, deadlinesOf, type OrderBackgroundConfig, orderBackgroundConfig } from './config.ts';
import { buildHttp, type HttpOptions } from './handlers/http-routes.ts';
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
    const pool = createPool({
      connectionString: config.DATABASE_URL,
      schema: config.DATABASE_SCHEMA,
      applicationName: config.INSTANCE_ID,
      logger,
    });
    onStop('database', () => pool.end());
    await migrateSchema(pool, config.DATABASE_SCHEMA, logger);
    // Debezium streams the watchdog's commands from this outbox: register it on every start.
    await publishOutbox(pool, config.DATABASE_SCHEMA);

    const metrics = createMetrics('order-background');
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
      handle: createOrderEventHandler({ pool, consumer: config.CONSUMER_GROUP }),
      deadLetter: { topic: config.DEAD_LETTER_TOPIC },
    });
    onStop('consumer', async () => {
      consuming = false;
      await consumer.stop();
    });
    await consumer.start();
    consuming = true;

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

async function startHttp(
  config: OrderBackgroundConfig,
  deps: Omit<HttpOptions, 'readiness'>,
  onStop: (label: string, stop: () => unknown) => void,
  readiness: ReadinessCheck[],
): Promise<void> {
  const app = await buildHttp({ ...deps, readiness });
  await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
  onStop('http', () => app.close());
}

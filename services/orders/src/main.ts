import {
  createMetrics,
  createPool,
  ping,
  publishOutbox,
  type ReadinessCheck,
  runService,
} from '@microshop/platform';
import { build } from './app.ts';
import { defaultCommandDeps } from './application/order-commands.ts';
import { ordersConfig } from './config.ts';
import { createOrdersConsumer } from './handlers/consumer.ts';
import { migrateOrders, ordersSchema } from './store/migrations.ts';
import { createStatusHub } from './waiting/status-hub.ts';

// The one wiring place of the orders service. Start order: database (migrated, outbox published),
// LISTEN hub, Kafka consumer, HTTP last, so /ready is only reachable once everything behind it runs.
// Stop steps run in reverse: HTTP (releasing blocking GETs with 503), consumer, hub, pool.

await runService({
  name: 'orders',
  config: ordersConfig,
  start: async ({ config, logger, onStop }) => {
    const instance = config.INSTANCE_ID;
    const pool = createPool({
      connectionString: config.DATABASE_URL,
      schema: ordersSchema,
      applicationName: `orders:${instance}`,
      logger,
    });
    onStop('database', () => pool.end());
    await migrateOrders(pool, ordersSchema, logger);
    await publishOutbox(pool, ordersSchema);

    const hub = createStatusHub({
      connectionString: config.DATABASE_URL,
      logger,
      applicationName: `orders:${instance}:listen`,
    });
    await hub.start();
    onStop('status listener', () => hub.close());

    const metrics = createMetrics('orders');
    const consumer = createOrdersConsumer({
      bootstrapServers: config.KAFKA_BOOTSTRAP_SERVERS,
      pool,
      commands: defaultCommandDeps,
      logger,
      metrics,
      clientId: `orders-${instance}`,
      groupId: config.KAFKA_GROUP_ID,
      topics: config.KAFKA_TOPICS,
      deadLetterTopic: config.KAFKA_DEAD_LETTER_TOPIC,
    });
    await consumer.start();
    onStop('kafka consumer', () => consumer.stop());

    const readiness: ReadinessCheck[] = [
      { name: 'database', check: () => ping(pool) },
      { name: `consumer:${config.KAFKA_GROUP_ID}`, check: () => consumer.running },
      { name: 'listener', check: () => hub.ping() },
    ];
    const app = await build({
      pool,
      hub,
      logger,
      metrics,
      readiness,
      wait: { defaultMs: config.WAIT_DEFAULT_MS, maxMs: config.WAIT_MAX_MS },
    });
    onStop('http', () => app.close());
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
  },
});

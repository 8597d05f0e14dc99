import { randomUUID } from 'node:crypto';
import {
  createEventConsumer,
  createMetrics,
  createPool,
  ping,
  publishOutbox,
  runService,
} from '@microshop/platform';
import { inventoryConfig, topicsOf } from './config.ts';
import { createOrderEventHandler } from './handlers/order-events.ts';
import { buildHttp } from './http/routes.ts';
import { migrateSchema } from './store/database.ts';
import type { Publishing } from './store/outbox-events.ts';

// The one wiring place of the inventory service (started as `node services/inventory/src/main.ts`;
// the stack runner waits for GET /ready). Start order: database → HTTP (so /health answers) →
// consumer; stop runs backwards.

await runService({
  name: 'inventory',
  config: inventoryConfig,
  start: async ({ config, logger, onStop }) => {
    const pool = createPool({
      connectionString: config.DATABASE_URL,
      schema: config.DATABASE_SCHEMA,
      applicationName: `inventory:${config.INSTANCE_ID}`,
      logger,
    });
    onStop('database', () => pool.end());
    // publish: the demo products the first migration seeds are announced through the outbox too.
    await migrateSchema(pool, config.DATABASE_SCHEMA, { logger, publish: true });
    await publishOutbox(pool, config.DATABASE_SCHEMA);

    const publishing: Publishing = { topics: topicsOf(config), now: () => new Date(), newId: randomUUID };
    const metrics = createMetrics('inventory');
    let consuming = false;
    const app = await buildHttp({
      pool,
      publishing,
      logger,
      metrics,
      readiness: [
        { name: 'database', check: () => ping(pool) },
        { name: `consumer:${config.CONSUMER_GROUP}`, check: () => consuming },
      ],
    });
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    onStop('http', () => app.close());

    const consumer = createEventConsumer({
      bootstrapServers: config.KAFKA_BOOTSTRAP_SERVERS,
      groupId: config.CONSUMER_GROUP,
      clientId: config.INSTANCE_ID,
      topics: [config.ORDER_EVENTS_TOPIC],
      logger,
      metrics,
      handle: createOrderEventHandler({ pool, consumer: config.CONSUMER_GROUP, publishing }),
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

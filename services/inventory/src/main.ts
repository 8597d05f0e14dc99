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
    const pool = await openServiceDatabase(
      { config, logger, onStop },
      // publish: the demo products the first migration seeds are announced through the outbox too.
      (db, schema) => migrateSchema(db, schema, { logger, publish: true }),
      { applicationName: `inventory:${config.INSTANCE_ID}` },
    );

    const publishing: Publishing = { topics: topicsOf(config), now: () => new Date(), newId: randomUUID };
    const metrics = createMetrics('inventory');
    const consumers = createConsumerRunner(onStop);
    const app = await buildHttp({
      pool,
      publishing,
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
        handle: createOrderEventHandler({ pool, consumer: config.CONSUMER_GROUP, publishing }),
      }),
    });
  },
});

import {
  createConsumerRunner,
  createEventConsumer,
  createMetrics,
  type EventConsumer,
  groupConsumerOptions,
  type Logger,
  listenHttp,
  openServiceDatabase,
  type Pool,
  ping,
  type Registry,
  runService,
} from '@microshop/platform';
import {
  type OrderDetailsConfig,
  orderDetailsConfig,
  orderRetryPolicy,
  validationsTopicOf,
} from './config.ts';
import { buildHttp } from './handlers/http-routes.ts';
import { createOrderCreatedHandler } from './handlers/order-created.ts';
import { createReferenceHandler } from './handlers/reference-events.ts';
import { migrateSchema } from './store/database.ts';

// The one wiring place of the order-details service (started as `node services/order-details/src/main.ts`;
// the stack runner waits for GET /ready). Start order: database → HTTP (so /health answers) → the
// reference consumer (copies first) → the order consumer; stop runs backwards.
//
// Two consumer groups, so the copies never wait behind orders: an order waiting for its customer holds
// its partition for up to the grace period, and with one consumer the fetch back-pressure of a backlog
// of orders could also hold back the very customer event the order is waiting for.

await runService({
  name: 'order-details',
  config: orderDetailsConfig,
  start: async ({ config, logger, onStop }) => {
    // Debezium streams the verdicts from this schema's outbox.
    const pool = await openServiceDatabase({ config, logger, onStop }, migrateSchema);

    const metrics = createMetrics('order-details');
    const consumers = createConsumerRunner(onStop);
    const app = await buildHttp({
      logger,
      metrics,
      readiness: [
        { name: 'database', check: () => ping(pool) },
        { name: 'consumers', check: consumers.running },
      ],
    });
    await listenHttp(app, { config, onStop });

    const deps = { pool, logger, metrics };
    await consumers.start({
      'reference consumer': referenceConsumer(config, deps),
      'order consumer': orderConsumer(config, deps),
    });
  },
});

interface Deps {
  pool: Pool;
  logger: Logger;
  metrics: Registry;
}

/** Customers and products into the copies. */
function referenceConsumer(config: OrderDetailsConfig, deps: Deps): EventConsumer {
  return createEventConsumer({
    ...groupConsumerOptions(config, deps),
    groupId: config.REFERENCE_CONSUMER_GROUP,
    clientId: `${config.INSTANCE_ID}-references`,
    topics: [config.CUSTOMERS_TOPIC, config.PRODUCTS_TOPIC],
    handle: createReferenceHandler({ pool: deps.pool, consumer: config.REFERENCE_CONSUMER_GROUP }),
  });
}

/** OrderCreated checked against the copies, retried across the grace period while a reference is unknown. */
function orderConsumer(config: OrderDetailsConfig, deps: Deps): EventConsumer {
  return createEventConsumer({
    ...groupConsumerOptions(config, deps),
    ...orderRetryPolicy(config.REFERENCE_GRACE_MS),
    topics: [config.ORDER_EVENTS_TOPIC],
    handle: createOrderCreatedHandler({
      pool: deps.pool,
      consumer: config.CONSUMER_GROUP,
      graceMs: config.REFERENCE_GRACE_MS,
      validationsTopic: validationsTopicOf(config),
    }),
  });
}

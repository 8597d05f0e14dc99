import {
  createEventConsumer,
  createMetrics,
  createPool,
  type EventConsumer,
  type Logger,
  type Pool,
  ping,
  publishOutbox,
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

    const metrics = createMetrics('order-details');
    const running = new Set<string>();
    const app = await buildHttp({
      logger,
      metrics,
      readiness: [
        { name: 'database', check: () => ping(pool) },
        { name: 'consumers', check: () => running.size === 2 },
      ],
    });
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    onStop('http', () => app.close());

    const start = async (label: string, consumer: EventConsumer): Promise<void> => {
      onStop(label, async () => {
        running.delete(label);
        await consumer.stop();
      });
      await consumer.start();
      running.add(label);
    };
    const deps = { pool, logger, metrics };
    await start('reference consumer', referenceConsumer(config, deps));
    await start('order consumer', orderConsumer(config, deps));
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
    bootstrapServers: config.KAFKA_BOOTSTRAP_SERVERS,
    groupId: config.REFERENCE_CONSUMER_GROUP,
    clientId: `${config.INSTANCE_ID}-references`,
    topics: [config.CUSTOMERS_TOPIC, config.PRODUCTS_TOPIC],
    logger: deps.logger,
    metrics: deps.metrics,
    handle: createReferenceHandler({ pool: deps.pool, consumer: config.REFERENCE_CONSUMER_GROUP }),
    deadLetter: { topic: config.DEAD_LETTER_TOPIC },
  });
}

/** OrderCreated checked against the copies, retried across the grace period while a reference is unknown. */
function orderConsumer(config: OrderDetailsConfig, deps: Deps): EventConsumer {
  return createEventConsumer({
    ...orderRetryPolicy(config.REFERENCE_GRACE_MS),
    bootstrapServers: config.KAFKA_BOOTSTRAP_SERVERS,
    groupId: config.CONSUMER_GROUP,
    clientId: config.INSTANCE_ID,
    topics: [config.ORDER_EVENTS_TOPIC],
    logger: deps.logger,
    metrics: deps.metrics,
    handle: createOrderCreatedHandler({
      pool: deps.pool,
      consumer: config.CONSUMER_GROUP,
      graceMs: config.REFERENCE_GRACE_MS,
      validationsTopic: validationsTopicOf(config),
    }),
    deadLetter: { topic: config.DEAD_LETTER_TOPIC },
  });
}

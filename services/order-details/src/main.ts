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
import { type OrderDetailsConfig, orderDetailsConfig, validationsTopicOf } from './config.ts';
import { type DeadlineLoop, startDeadlineLoop } from './handlers/deadline-loop.ts';
import { buildHttp } from './handlers/http-routes.ts';
import { createOrderCreatedHandler } from './handlers/order-created.ts';
import { createReferenceHandler } from './handlers/reference-events.ts';
import { migrateSchema } from './store/database.ts';

// The one wiring place of the order-details service (started as `node services/order-details/src/main.ts`;
// the stack runner waits for GET /ready). Start order: database → HTTP (so /health answers) → the
// reference consumer (copies first) → the order consumer → the deadline loop; stop runs backwards.
//
// An order naming a customer or sku not copied yet is parked (pending_checks), never retried on its
// partition: the reference consumer gives it its verdict when the copy arrives, the deadline loop when
// the grace period is over. Two consumer groups, so the copies are read from the start of their
// compacted topics by a new deployment without replaying orders, and never wait behind an order backlog.

await runService({
  name: 'order-details',
  config: orderDetailsConfig,
  start: async ({ config, logger, onStop }) => {
    // Debezium streams the verdicts from this schema's outbox.
    const pool = await openServiceDatabase({ config, logger, onStop }, migrateSchema);

    const metrics = createMetrics('order-details');
    const consumers = createConsumerRunner(onStop);
    let deadlineLoop: DeadlineLoop | undefined;
    const app = await buildHttp({
      logger,
      metrics,
      readiness: [
        { name: 'database', check: () => ping(pool) },
        { name: 'consumers', check: consumers.running },
        { name: 'deadline loop', check: () => deadlineLoop?.check() ?? false },
      ],
    });
    await listenHttp(app, { config, onStop });

    const deps = { pool, logger, metrics };
    await consumers.start({
      'reference consumer': referenceConsumer(config, deps),
      'order consumer': orderConsumer(config, deps),
    });

    const loop = startDeadlineLoop({
      pool,
      logger: logger.child({ component: 'deadline-loop' }),
      intervalMs: config.PENDING_CHECK_INTERVAL_MS,
      validationsTopic: validationsTopicOf(config),
    });
    deadlineLoop = loop;
    onStop('deadline loop', () => loop.stop());
  },
});

interface Deps {
  pool: Pool;
  logger: Logger;
  metrics: Registry;
}

/** Customers and products into the copies; the parked orders a copy completes get their verdict. */
function referenceConsumer(config: OrderDetailsConfig, deps: Deps): EventConsumer {
  return createEventConsumer({
    ...groupConsumerOptions(config, deps),
    groupId: config.REFERENCE_CONSUMER_GROUP,
    clientId: `${config.INSTANCE_ID}-references`,
    topics: [config.CUSTOMERS_TOPIC, config.PRODUCTS_TOPIC],
    handle: createReferenceHandler({
      pool: deps.pool,
      consumer: config.REFERENCE_CONSUMER_GROUP,
      validationsTopic: validationsTopicOf(config),
    }),
  });
}

/** OrderCreated checked against the copies: a verdict at once, or parked while a reference is unknown. */
function orderConsumer(config: OrderDetailsConfig, deps: Deps): EventConsumer {
  return createEventConsumer({
    ...groupConsumerOptions(config, deps),
    topics: [config.ORDER_EVENTS_TOPIC],
    handle: createOrderCreatedHandler({
      pool: deps.pool,
      consumer: config.CONSUMER_GROUP,
      graceMs: config.REFERENCE_GRACE_MS,
      validationsTopic: validationsTopicOf(config),
    }),
  });
}

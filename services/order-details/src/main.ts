import { defineService, runStandalone } from '@microshop/platform';
import { orderDetailsConfig, validationsTopicOf } from './config.ts';
import { checkOrders } from './handlers/order-created.ts';
import { copyReferences } from './handlers/reference-events.ts';
import { build } from './http/routes.ts';
import { checkOverdueOrders } from './tasks/deadline-loop.ts';

// The one wiring place of the order-details service: its database, the platform's HTTP routes, the
// reference consumer (copies first), the order consumer and the deadline loop. The kit starts them in
// that order and stops them backwards; run alone with `node services/order-details/src/main.ts`.
//
// An order naming a customer or sku not copied yet is parked (pending_checks), never retried on its
// partition: the reference consumer gives it its verdict when the copy arrives, the deadline loop when
// the grace period is over. Two consumer groups, so the copies are read from the start of their
// compacted topics by a new deployment without replaying orders, and never wait behind an order backlog.

export const service = defineService({
  name: 'order-details',
  config: orderDetailsConfig,
  // Debezium streams the verdicts from this schema's outbox.
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: ({ config, pool, logger }) => {
    const validationsTopic = validationsTopicOf(config);
    return {
      http: build,
      consumers: {
        references: {
          topics: [config.CUSTOMERS_TOPIC, config.PRODUCTS_TOPIC],
          group: config.REFERENCE_CONSUMER_GROUP,
          handle: copyReferences({ validationsTopic }),
        },
        orders: {
          topics: [config.ORDER_EVENTS_TOPIC],
          handle: checkOrders({ graceMs: config.REFERENCE_GRACE_MS, validationsTopic }),
        },
      },
      tasks: {
        'deadline loop': {
          intervalMs: config.PENDING_CHECK_INTERVAL_MS,
          run: () =>
            checkOverdueOrders({
              pool,
              logger: logger.child({ component: 'deadline-loop' }),
              validationsTopic,
            }),
        },
      },
    };
  },
});

if (import.meta.main) await runStandalone(service);

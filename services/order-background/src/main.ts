import { defineService, runStandalone } from '@microshop/platform';
import { commandsTopicOf, deadlinesOf, orderBackgroundConfig, retentionOf } from './config.ts';
import { projectOrdersMeasured } from './handlers/order-events.ts';
import { build } from './http/routes.ts';
import { stepHistogram } from './tasks/step-metrics.ts';
import { attentionGauge, watchOrders } from './tasks/watchdog.ts';

// The one wiring place of the order-background service: its database, its HTTP routes, the consumer
// that projects every order status event, and the watchdog. The kit starts them in that order and
// stops them backwards; run alone with `node services/order-background/src/main.ts` (the stack
// runner waits for GET /ready).

export const service = defineService({
  name: 'order-background',
  config: orderBackgroundConfig,
  // Debezium streams the watchdog's commands from this schema's outbox.
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: ({ config, pool, logger, metrics }) => {
    const watchdog = {
      pool,
      deadlines: deadlinesOf(config),
      commandsTopic: commandsTopicOf(config),
      logger: logger.child({ component: 'watchdog' }),
      onAttention: attentionGauge(metrics),
    };
    return {
      http: (base) => build({ ...base, pool }),
      consumers: {
        orderEvents: {
          topics: [config.ORDER_EVENTS_TOPIC],
          handle: projectOrdersMeasured(stepHistogram(metrics)),
        },
      },
      tasks: { watchdog: { intervalMs: config.WATCHDOG_INTERVAL_MS, run: () => watchOrders(watchdog) } },
      retention: retentionOf(config),
    };
  },
});

if (import.meta.main) await runStandalone(service);

import { defineService, runStandalone } from '@microshop/platform';
import { commandsTopicOf, deadlinesOf, orderBackgroundConfig, retentionOf } from './config.ts';
import { readHeartbeats } from './handlers/heartbeats.ts';
import { projectOrdersMeasured } from './handlers/order-events.ts';
import { build } from './http/routes.ts';
import { stepHistogram } from './tasks/step-metrics.ts';
import { attentionGauge, flowReporter, watchOrders } from './tasks/watchdog.ts';

// The one wiring place of the order-background service: its database, its HTTP routes, the consumer
// that projects every order status event, the one that reads the heartbeats (proofs that events flow,
// so deadlines do not count an outage), and the watchdog. The kit starts them in that order and
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
      flowThresholdMs: config.WATCHDOG_FLOW_THRESHOLD_MS,
      commandsTopic: commandsTopicOf(config),
      logger: logger.child({ component: 'watchdog' }),
      onAttention: attentionGauge(metrics),
    };
    const reportFlow = flowReporter(watchdog.logger, metrics);
    return {
      http: (base) => build({ ...base, pool }),
      consumers: {
        orderEvents: {
          topics: [config.ORDER_EVENTS_TOPIC],
          handle: projectOrdersMeasured(stepHistogram(metrics)),
        },
        heartbeats: {
          topics: [config.HEARTBEAT_TOPIC],
          group: config.FLOW_CONSUMER_GROUP,
          handle: readHeartbeats({ thresholdMs: config.WATCHDOG_FLOW_THRESHOLD_MS }),
        },
      },
      tasks: {
        watchdog: {
          intervalMs: config.WATCHDOG_INTERVAL_MS,
          run: async () => reportFlow(await watchOrders(watchdog)),
        },
      },
      retention: retentionOf(config),
    };
  },
});

if (import.meta.main) await runStandalone(service);

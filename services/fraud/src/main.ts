import { defineService, runStandalone } from '@microshop/platform';
import { fraudConfig, rulesOf, validationsTopicOf } from './config.ts';
import { judgeOrders } from './handlers/order-created.ts';
import { build } from './http/routes.ts';

// The one wiring place of the fraud service: its database, its HTTP routes and the consumer that
// judges every new order. The kit starts them in that order and stops them backwards; run alone
// with `node services/fraud/src/main.ts` (the stack runner waits for GET /ready).

export const service = defineService({
  name: 'fraud',
  config: fraudConfig,
  // Debezium streams the verdicts from this schema's outbox.
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: ({ config, pool, logger }) => {
    logger.info(rulesOf(config), 'fraud rules');
    return {
      http: (base) => build({ ...base, pool }),
      consumers: {
        orderEvents: {
          topics: [config.ORDER_EVENTS_TOPIC],
          handle: judgeOrders({ rules: rulesOf(config), validationsTopic: validationsTopicOf(config) }),
        },
      },
    };
  },
});

if (import.meta.main) await runStandalone(service);

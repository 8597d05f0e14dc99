import { defineService, runStandalone } from '@microshop/platform';
import { inboundTopicsOf, ordersConfig, waitLimitsOf } from './config.ts';
import { defaultCommandDeps } from './handlers/change-order.ts';
import { moveOrders } from './handlers/inbound-messages.ts';
import { build } from './http/routes.ts';
import { createWaiterRegistry } from './http/waiter-registry.ts';
import { startStatusListener } from './store/status-listener.ts';

// The one wiring place of the orders service: its database, its HTTP routes, the LISTEN connection
// that wakes blocking GETs, and the consumer of everything that moves an order. The kit starts them
// in that order and stops them backwards (closing HTTP answers waiting GETs with 503); run alone with
// `node services/orders/src/main.ts` (the stack runner waits for GET /ready).

export const service = defineService({
  name: 'orders',
  config: ordersConfig,
  // Debezium streams the order events from this schema's outbox.
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: ({ config, pool, logger }) => {
    const waiters = createWaiterRegistry();
    return {
      http: (base) =>
        build({
          ...base,
          pool,
          waiters,
          wait: waitLimitsOf(config),
          waitsPerPrincipal: config.WAIT_MAX_PER_PRINCIPAL,
        }),
      background: {
        statusListener: () =>
          startStatusListener({
            connectionString: config.DATABASE_URL,
            applicationName: `${config.INSTANCE_ID}:listen`,
            logger,
            onChange: (orderId) => waiters.wake(orderId),
            onConnected: () => waiters.wakeAll(),
          }),
      },
      consumers: {
        inbound: { topics: inboundTopicsOf(config), handle: moveOrders(defaultCommandDeps) },
      },
    };
  },
});

if (import.meta.main) await runStandalone(service);

import { defineService, runStandalone } from '@microshop/platform';
import { createPaymentMethods } from './clients/payment-methods.ts';
import { inboundTopicsOf, ordersConfig, paymentsUrlOf, waitLimitsOf } from './config.ts';
import { copyCatalog } from './handlers/catalog-copy.ts';
import { defaultCommandDeps } from './handlers/change-order.ts';
import { moveOrders } from './handlers/inbound-messages.ts';
import { build } from './http/routes.ts';
import { createWaiterRegistry } from './http/waiter-registry.ts';
import { startStatusListener } from './store/status-listener.ts';
import { catalogReadiness } from './tasks/catalog-readiness.ts';

// The one wiring place of the orders service: its database, its HTTP routes (with the payments
// client card tokens go to), the LISTEN connection that wakes blocking GETs, the consumer keeping the
// copy of the catalog's prices, and the consumer of everything that moves an order. The kit starts
// them in that order and stops them backwards (closing HTTP answers waiting GETs with 503); run
// alone with `node services/orders/src/main.ts` (the stack runner waits for GET /ready, which waits
// for the catalog copy).

export const service = defineService({
  name: 'orders',
  config: ordersConfig,
  // Debezium streams the order events from this schema's outbox.
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: ({ config, pool, logger, onStop }) => {
    const waiters = createWaiterRegistry();
    const paymentMethods = createPaymentMethods({
      baseUrl: paymentsUrlOf(config),
      timeoutMs: config.PAYMENTS_TIMEOUT_MS,
      logger: logger.child({ component: 'payments-client' }),
    });
    onStop('payments client', () => paymentMethods.close());
    return {
      http: (base) =>
        build({
          ...base,
          pool,
          waiters,
          wait: waitLimitsOf(config),
          waitsPerPrincipal: config.WAIT_MAX_PER_PRINCIPAL,
          paymentMethods,
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
        // First, so the copy fills while the other consumer joins its group.
        catalog: {
          topics: [config.PRODUCTS_TOPIC],
          group: config.CATALOG_CONSUMER_GROUP,
          handle: copyCatalog(),
        },
        inbound: { topics: inboundTopicsOf(config), handle: moveOrders(defaultCommandDeps) },
      },
      readiness: [
        catalogReadiness({
          bootstrapServers: config.KAFKA_BOOTSTRAP_SERVERS,
          group: config.CATALOG_CONSUMER_GROUP,
          topic: config.PRODUCTS_TOPIC,
          pool,
          clientId: `${config.INSTANCE_ID}-catalog-readiness`,
        }),
      ],
    };
  },
});

if (import.meta.main) await runStandalone(service);

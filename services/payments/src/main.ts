import { randomUUID } from 'node:crypto';
import { defineService, runStandalone } from '@microshop/platform';
import { createHttpProvider } from './clients/http-provider.ts';
import {
  paymentsConfig,
  paymentsTopicOf,
  providerBreakerOf,
  providerRetryOf,
  providerUrlOf,
} from './config.ts';
import { createOrderEventHandler } from './handlers/order-events.ts';
import { build } from './http/routes.ts';
import { reconcileCharges, reconciliationCounter } from './tasks/reconciler.ts';

// The one wiring place of the payments service: its database, the payment provider's client, its
// HTTP route and the consumer that charges and refunds. The kit starts them in that order and stops
// them backwards; run alone with `node services/payments/src/main.ts` (the stack runner waits for
// GET /ready).

export const service = defineService({
  name: 'payments',
  config: paymentsConfig,
  // Debezium streams the payment events from this schema's outbox.
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: ({ config, pool, logger, metrics, onStop }) => {
    const provider = createHttpProvider({
      baseUrl: providerUrlOf(config),
      timeoutMs: config.PAYMENT_TIMEOUT_MS,
      retry: providerRetryOf(config),
      circuitBreaker: providerBreakerOf(config),
      logger: logger.child({ component: 'payment-provider' }),
    });
    onStop('payment provider', () => provider.close());
    const handle = createOrderEventHandler({
      pool,
      consumer: config.CONSUMER_GROUP,
      provider,
      paymentsTopic: paymentsTopicOf(config),
      now: () => new Date(),
      newId: randomUUID,
    });
    return {
      http: (base) => build({ ...base, pool }),
      consumers: {
        orderEvents: {
          topics: [config.ORDER_EVENTS_TOPIC],
          // Not the kit's transactional handler: the provider is called between two transactions.
          handle,
          // A provider that is down is waited out (the kit); a bug is dead-lettered after these attempts.
          maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
          retryBackoffMs: config.CONSUMER_RETRY_BACKOFF_MS,
        },
      },
      tasks: {
        reconciliation: {
          intervalMs: config.RECONCILE_INTERVAL_MS,
          run: () =>
            reconcileCharges({
              pool,
              provider,
              paymentsTopic: paymentsTopicOf(config),
              logger: logger.child({ component: 'reconciliation' }),
              now: () => new Date(),
              newId: randomUUID,
              afterMs: config.RECONCILE_AFTER_MS,
              settleMs: config.RECONCILE_SETTLE_MS,
              onOutcome: reconciliationCounter(metrics),
            }),
        },
      },
    };
  },
});

if (import.meta.main) await runStandalone(service);

import { randomUUID } from 'node:crypto';
import { defineService, runStandalone, withTransaction } from '@microshop/platform';
import { createHttpProvider } from './clients/http-provider.ts';
import {
  paymentsConfig,
  paymentsTopicOf,
  providerBreakerOf,
  providerRetryOf,
  providerUrlOf,
  tokenKeysOf,
} from './config.ts';
import { actsOn, createOrderEventHandler } from './handlers/order-events.ts';
import { build } from './http/routes.ts';
import { forgetSettledMethods, sealLegacyTokens } from './store/payment-methods.ts';
import { createTokenCipher } from './store/token-cipher.ts';
import { reconcileCharges, reconciliationCounter } from './tasks/reconciler.ts';

// The one wiring place of the payments service: its database, the payment provider's client, its
// HTTP routes, the consumer that charges and refunds, and the pass that forgets card tokens no
// charge needs. The kit starts them in that order and stops them backwards; run alone with
// `node services/payments/src/main.ts` (the stack runner waits for GET /ready).

export const service = defineService({
  name: 'payments',
  config: paymentsConfig,
  // Debezium streams the payment events from this schema's outbox.
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: async ({ config, pool, logger, metrics, onStop }) => {
    const cipher = createTokenCipher(tokenKeysOf(config));
    // Tokens an earlier version kept in clear are encrypted before anything reads them.
    const sealed = await withTransaction(pool, (client) => sealLegacyTokens(client, cipher, new Date()));
    if (sealed > 0) logger.info({ sealed }, 'card tokens kept in clear by an earlier version encrypted');
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
      cipher,
      methodGraceMs: config.PAYMENT_METHOD_GRACE_MS,
      paymentsTopic: paymentsTopicOf(config),
      now: () => new Date(),
      newId: randomUUID,
    });
    return {
      http: (base) => build({ ...base, pool, cipher }),
      consumers: {
        orderEvents: {
          topics: [config.ORDER_EVENTS_TOPIC],
          // Not the kit's transactional handler: the provider is called between two transactions.
          handle,
          wants: actsOn,
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
        // Tokens whose orders were all charged or ended are deleted as each settles; this pass
        // catches those still inside their grace period then, and those no order ever used.
        'forget settled card tokens': {
          intervalMs: config.PAYMENT_METHOD_PURGE_INTERVAL_MS,
          run: () =>
            forgetSettledMethods(pool, {
              registeredBefore: new Date(Date.now() - config.PAYMENT_METHOD_GRACE_MS),
            }),
        },
      },
    };
  },
});

if (import.meta.main) await runStandalone(service);

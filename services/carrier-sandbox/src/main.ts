import { defineService, runStandalone } from '@microshop/platform';
import { callbackRetryOf, sandboxConfig, signingSecretOf } from './config.ts';
import { build } from './http/routes.ts';
import { createShipmentStore, randomShipmentIds } from './store/shipments.ts';
import { createCallbackDispatcher } from './tasks/callbacks.ts';

// The one wiring place of the sandbox carrier: its HTTP API and the deliveries with their
// callbacks. Run alone with `node services/carrier-sandbox/src/main.ts` (the stack runner waits for
// GET /ready). State is in memory: a restart forgets every booking, and stopping drops the
// deliveries and callbacks still pending.

export const service = defineService({
  name: 'carrier-sandbox',
  config: sandboxConfig,
  wire: ({ config, logger }) => {
    const store = createShipmentStore();
    const deliveries = createCallbackDispatcher({
      store,
      deliveryDelayMs: config.CARRIER_DELIVERY_DELAY_MS,
      retry: callbackRetryOf(config),
      timeoutMs: config.CARRIER_CALLBACK_TIMEOUT_MS,
      secret: signingSecretOf(config),
      logger: logger.child({ component: 'callbacks' }),
    });
    return {
      http: (base) =>
        build({
          ...base,
          carrier: { store, dispatcher: deliveries, newIds: randomShipmentIds, now: () => new Date() },
        }),
      // Bookings schedule deliveries from the first request on; the kit stops them before HTTP.
      background: { deliveries: () => deliveries },
    };
  },
});

if (import.meta.main) await runStandalone(service);

import { defineService, runStandalone } from '@microshop/platform';
import { callbackRetryOf, sandboxConfig, signingSecretOf } from './config.ts';
import { build } from './http/routes.ts';
import { createShipmentStore, openShipmentJournal, randomShipmentIds } from './store/shipments.ts';
import { createCallbackDispatcher } from './tasks/callbacks.ts';

// The one wiring place of the sandbox carrier: its HTTP API and the deliveries with their
// callbacks. Run alone with `node services/carrier-sandbox/src/main.ts` (the stack runner waits for
// GET /ready). Bookings and callbacks are kept in DATA_DIR/shipments.jsonl (in memory without it):
// after a restart the deliveries still due and the callbacks not yet acknowledged go on.

export const service = defineService({
  name: 'carrier-sandbox',
  config: sandboxConfig,
  wire: ({ config, logger, onStop }) => {
    const journal = openShipmentJournal(config.DATA_DIR);
    onStop('journal', () => journal.close());
    const store = createShipmentStore(journal);
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
      background: {
        deliveries: () => {
          deliveries.resume();
          return deliveries;
        },
      },
    };
  },
});

if (import.meta.main) await runStandalone(service);

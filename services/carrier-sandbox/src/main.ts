import { createMetrics, runService } from '@microshop/platform';
import { retryPolicyOf, sandboxConfig } from './config.ts';
import { createCallbackDispatcher } from './handlers/callbacks.ts';
import { buildHttp } from './http/routes.ts';
import { createShipmentStore, randomShipmentIds } from './store/shipments.ts';

// The one wiring place of the sandbox carrier (started as `node services/carrier-sandbox/src/main.ts`;
// the stack runner waits for GET /ready). State is in memory: a restart forgets every booking, and
// stopping drops the deliveries and callbacks still pending.

await runService({
  name: 'carrier-sandbox',
  config: sandboxConfig,
  start: async ({ config, logger, onStop }) => {
    const store = createShipmentStore();
    const dispatcher = createCallbackDispatcher({
      store,
      deliveryDelayMs: config.CARRIER_DELIVERY_DELAY_MS,
      retry: retryPolicyOf(config),
      timeoutMs: config.CARRIER_CALLBACK_TIMEOUT_MS,
      secret: config.CARRIER_WEBHOOK_SECRET,
      logger: logger.child({ component: 'callbacks' }),
    });
    onStop('callbacks', () => dispatcher.stop());

    const app = await buildHttp({
      carrier: { store, dispatcher, newIds: randomShipmentIds, now: () => new Date() },
      logger,
      metrics: createMetrics('carrier-sandbox'),
    });
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    onStop('http', () => app.close());
  },
});

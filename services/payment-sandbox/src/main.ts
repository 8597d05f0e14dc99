import { createMetrics, runService } from '@microshop/platform';
import { sandboxConfig, settingsOf } from './config.ts';
import { buildSandbox } from './http/routes.ts';

// The one wiring place of the payment sandbox (started as `node services/payment-sandbox/src/main.ts`;
// the stack runner waits for GET /ready). Nothing but HTTP: its charges live in memory. Run ONE
// instance: a second one would not know the first one's idempotency keys and charges.

await runService({
  name: 'payment-sandbox',
  config: sandboxConfig,
  start: async ({ config, logger, onStop }) => {
    const app = await buildSandbox({
      logger,
      metrics: createMetrics('payment-sandbox'),
      settings: settingsOf(config),
    });
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    onStop('http', () => app.close());
  },
});

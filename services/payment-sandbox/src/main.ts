import { defineService, runStandalone } from '@microshop/platform';
import { sandboxConfig, settingsOf } from './config.ts';
import { build } from './http/routes.ts';

// The one wiring place of the payment sandbox: nothing but HTTP, its charges live in memory. Run
// alone with `node services/payment-sandbox/src/main.ts` (the stack runner waits for GET /ready).
// Run ONE instance: a second one would not know the first one's idempotency keys and charges.

export const service = defineService({
  name: 'payment-sandbox',
  config: sandboxConfig,
  wire: ({ config }) => ({
    http: (base) => build({ ...base, settings: settingsOf(config) }),
  }),
});

if (import.meta.main) await runStandalone(service);

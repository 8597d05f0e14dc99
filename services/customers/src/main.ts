import { defineService, runStandalone } from '@microshop/platform';
import { customersConfig, customersTopicOf } from './config.ts';
import { defaultCommandDeps } from './handlers/customer-commands.ts';
import { build } from './http/routes.ts';

// The one wiring place of the customers service: its database and its HTTP routes (it consumes
// nothing). The kit starts them in that order and stops them backwards; run alone with
// `node services/customers/src/main.ts` (the stack runner waits for GET /ready).

export const service = defineService({
  name: 'customers',
  config: customersConfig,
  // Debezium streams customer events from this schema's outbox.
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: ({ config, pool }) => ({
    http: (base) => build({ ...base, pool, commands: defaultCommandDeps(customersTopicOf(config)) }),
  }),
});

if (import.meta.main) await runStandalone(service);

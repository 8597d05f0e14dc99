import { defineService, runStandalone } from '@microshop/platform';
import { customersConfig } from './config.ts';
import { openIdentity } from './handlers/identity.ts';
import { build } from './http/routes.ts';

// The one wiring place of the customers service: its database, its identity (signing keys, the
// operator account), its HTTP routes (it consumes nothing) and the identity's upkeep. The kit
// starts them in that order and stops them backwards; run alone with
// `node services/customers/src/main.ts` (the stack runner waits for GET /ready).

export const service = defineService({
  name: 'customers',
  config: customersConfig,
  // Debezium streams customer events from this schema's outbox.
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: async ({ config, pool, logger }) => {
    const identity = await openIdentity(config, pool, logger);
    return {
      verify: identity.verify,
      http: (base) => build({ ...base, pool, commands: identity.deps.commands, identity: identity.deps }),
      tasks: { 'signing keys and refresh tokens': { intervalMs: 60_000, run: identity.maintain } },
    };
  },
});

if (import.meta.main) await runStandalone(service);

import { createMetrics, listenHttp, openServiceDatabase, ping, runService } from '@microshop/platform';
import { defaultCommandDeps } from './application/customer-commands.ts';
import { customersConfig, customersTopicOf } from './config.ts';
import { buildHttp } from './http/routes.ts';
import { migrateSchema } from './store/database.ts';

// The one wiring place of the customers service (started as `node services/customers/src/main.ts`;
// the stack runner waits for GET /ready). Start order: database → HTTP; stop runs backwards.

await runService({
  name: 'customers',
  config: customersConfig,
  start: async ({ config, logger, onStop }) => {
    // Debezium streams customer events from this schema's outbox.
    const pool = await openServiceDatabase({ config, logger, onStop }, migrateSchema);

    const app = await buildHttp({
      pool,
      commands: defaultCommandDeps(customersTopicOf(config)),
      logger,
      metrics: createMetrics('customers'),
      readiness: [{ name: 'database', check: () => ping(pool) }],
    });
    await listenHttp(app, { config, onStop });
  },
});

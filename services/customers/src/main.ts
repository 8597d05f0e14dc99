import { createMetrics, createPool, ping, publishOutbox, runService } from '@microshop/platform';
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
    const pool = createPool({
      connectionString: config.DATABASE_URL,
      schema: config.DATABASE_SCHEMA,
      applicationName: config.INSTANCE_ID,
      logger,
    });
    onStop('database', () => pool.end());
    await migrateSchema(pool, config.DATABASE_SCHEMA, logger);
    // Debezium streams customer events from this outbox: register it on every start.
    await publishOutbox(pool, config.DATABASE_SCHEMA);

    const app = await buildHttp({
      pool,
      commands: defaultCommandDeps(customersTopicOf(config)),
      logger,
      metrics: createMetrics('customers'),
      readiness: [{ name: 'database', check: () => ping(pool) }],
    });
    await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    onStop('http', () => app.close());
  },
});

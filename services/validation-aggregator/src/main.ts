import { defineService, runStandalone } from '@microshop/platform';
import { aggregatorConfig, decisionsTopicOf } from './config.ts';
import { aggregateValidations } from './handlers/validation-results.ts';
import { build } from './http/routes.ts';

// The one wiring place of the validation aggregator: its database, its operator route and the
// consumer that decides each order once its checks are in. The kit starts them in that order and
// stops them backwards; run alone with `node services/validation-aggregator/src/main.ts`.

export const service = defineService({
  name: 'validation-aggregator',
  config: aggregatorConfig,
  // Debezium streams the decisions from this schema's outbox.
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: ({ config, pool }) => ({
    http: (base) => build({ ...base, pool }),
    consumers: {
      validations: {
        topics: [config.VALIDATIONS_TOPIC],
        handle: aggregateValidations({ decisionsTopic: decisionsTopicOf(config) }),
      },
    },
  }),
});

if (import.meta.main) await runStandalone(service);

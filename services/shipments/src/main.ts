import { randomUUID } from 'node:crypto';
import {
  createConsumerRunner,
  createEventConsumer,
  createMetrics,
  groupConsumerOptions,
  listenHttp,
  openServiceDatabase,
  ping,
  runService,
} from '@microshop/platform';
import { createSandboxCarrier } from './carrier/sandbox-carrier.ts';
import {
  callbackUrlOf,
  carrierUrlOf,
  type ShipmentsConfig,
  shipmentsConfig,
  shipmentsTopicOf,
} from './config.ts';
import { createOrderEventHandler } from './handlers/order-events.ts';
import { buildHttp } from './http/routes.ts';
import { migrateSchema } from './store/database.ts';
import type { Publishing } from './store/outbox-events.ts';

// The one wiring place of the shipments service (started as `node services/shipments/src/main.ts`;
// the stack runner waits for GET /ready). Start order: database → HTTP (so /health answers and the
// carrier's callbacks land) → consumer; stop runs backwards.

await runService({
  name: 'shipments',
  config: shipmentsConfig,
  start: async ({ config, logger, onStop }) => {
    const pool = await openServiceDatabase({ config, logger, onStop }, migrateSchema, {
      applicationName: `shipments:${config.INSTANCE_ID}`,
    });
    const publishing: Publishing = {
      topic: shipmentsTopicOf(config),
      now: () => new Date(),
      newId: randomUUID,
    };
    const metrics = createMetrics('shipments');
    const consumers = createConsumerRunner(onStop);
    const app = await buildHttp({
      pool,
      publishing,
      webhook: webhookOf(config),
      logger,
      metrics,
      readiness: [
        { name: 'database', check: () => ping(pool) },
        { name: `consumer:${config.CONSUMER_GROUP}`, check: consumers.running },
      ],
    });
    await listenHttp(app, { config, onStop });

    const carrier = createSandboxCarrier({
      baseUrl: carrierUrlOf(config),
      timeoutMs: config.CARRIER_TIMEOUT_MS,
      maxAttempts: config.CARRIER_MAX_ATTEMPTS,
      backoffMs: config.CARRIER_RETRY_BACKOFF_MS,
    });
    const deps = {
      pool,
      consumer: config.CONSUMER_GROUP,
      carrier,
      publishing,
      callbackUrl: callbackUrlOf(config),
    };
    await consumers.start({
      consumer: createEventConsumer({
        ...groupConsumerOptions(config, { logger, metrics }),
        topics: [config.ORDER_EVENTS_TOPIC],
        maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
        handle: createOrderEventHandler(deps),
      }),
    });
  },
});

function webhookOf(config: ShipmentsConfig) {
  const secret = config.CARRIER_WEBHOOK_SECRET;
  return secret === undefined ? undefined : { secret, toleranceSeconds: config.CARRIER_WEBHOOK_TOLERANCE_S };
}

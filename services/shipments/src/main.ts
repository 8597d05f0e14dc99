import { randomUUID } from 'node:crypto';
import { defineService, pruneExpired, runStandalone } from '@microshop/platform';
import { createSandboxCarrier } from './clients/sandbox-carrier.ts';
import {
  callbackUrlOf,
  carrierUrlOf,
  type ShipmentsConfig,
  shipmentsConfig,
  shipmentsTopicOf,
  webhookSecretsOf,
} from './config.ts';
import { actsOn, createOrderEventHandler } from './handlers/order-events.ts';
import type { WebhookOptions } from './http/carrier-callback.ts';
import { build } from './http/routes.ts';
import type { Publishing } from './store/outbox-events.ts';
import { webhookReceiptsTable } from './store/webhook-receipts.ts';

// The one wiring place of the shipments service: its database, the carrier's client, its HTTP
// routes (so /health answers and the carrier's callbacks land) and the consumer that books and
// cancels. The kit starts them in that order and stops them backwards; run alone with
// `node services/shipments/src/main.ts` (the stack runner waits for GET /ready).

export const service = defineService({
  name: 'shipments',
  config: shipmentsConfig,
  // Debezium streams ShipmentDispatched and ShipmentDelivered from this schema's outbox.
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: ({ config, pool, onStop }) => {
    const publishing: Publishing = {
      topic: shipmentsTopicOf(config),
      now: () => new Date(),
      newId: randomUUID,
    };
    const carrier = createSandboxCarrier({
      baseUrl: carrierUrlOf(config),
      timeoutMs: config.CARRIER_TIMEOUT_MS,
      maxAttempts: config.CARRIER_MAX_ATTEMPTS,
      backoffMs: config.CARRIER_RETRY_BACKOFF_MS,
      circuitBreaker: {
        consecutiveFailures: config.CARRIER_BREAKER_FAILURES,
        halfOpenAfterMs: config.CARRIER_BREAKER_HALF_OPEN_MS,
      },
    });
    onStop('carrier', () => carrier.close());
    const handle = createOrderEventHandler({
      pool,
      consumer: config.CONSUMER_GROUP,
      carrier,
      publishing,
      callbackUrl: callbackUrlOf(config),
    });
    return {
      http: (base) => build({ ...base, pool, publishing, webhook: webhookOf(config) }),
      tasks: {
        // A signature past its time window is refused anyway: its receipt is no longer needed.
        'webhook receipts': {
          intervalMs: 60_000,
          run: () =>
            pruneExpired(pool, {
              table: webhookReceiptsTable,
              column: 'received_at',
              keepMs: 2 * config.CARRIER_WEBHOOK_TOLERANCE_S * 1000,
            }),
        },
      },
      consumers: {
        // Not the kit's transactional handler: the carrier is called between two transactions.
        orderEvents: {
          topics: [config.ORDER_EVENTS_TOPIC],
          handle,
          wants: actsOn,
          maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
        },
      },
    };
  },
});

function webhookOf(config: ShipmentsConfig): WebhookOptions {
  return { secrets: webhookSecretsOf(config), toleranceSeconds: config.CARRIER_WEBHOOK_TOLERANCE_S };
}

if (import.meta.main) await runStandalone(service);

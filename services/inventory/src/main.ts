import { randomUUID } from 'node:crypto';
import { defineService, runStandalone } from '@microshop/platform';
import { inventoryConfig, topicsOf } from './config.ts';
import { reserveForOrders } from './handlers/order-events.ts';
import type { Publishing } from './handlers/publishing.ts';
import { build } from './http/routes.ts';

// The one wiring place of the inventory service: its database, the catalog API and the consumer
// that reserves, commits and releases stock as orders move. The kit starts them in that order and
// stops them backwards; run alone with `node services/inventory/src/main.ts`.

export const service = defineService({
  name: 'inventory',
  config: inventoryConfig,
  // Debezium streams the verdicts and product changes from this schema's outbox, the demo catalog
  // the first migration writes included (the kit publishes the outbox before the files run).
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: ({ config, pool }) => {
    const publishing: Publishing = { topics: topicsOf(config), now: () => new Date(), newId: randomUUID };
    return {
      http: (base) => build({ ...base, pool, publishing }),
      consumers: {
        orderEvents: { topics: [config.ORDER_EVENTS_TOPIC], handle: reserveForOrders({ publishing }) },
      },
    };
  },
});

if (import.meta.main) await runStandalone(service);

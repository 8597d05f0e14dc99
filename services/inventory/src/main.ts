import { randomUUID } from 'node:crypto';
import { defineService, runStandalone } from '@microshop/platform';
import { inventoryConfig, retentionOf, topicsOf } from './config.ts';
import { reserveForOrders } from './handlers/order-events.ts';
import { recordOrderFates } from './handlers/order-fates.ts';
import type { Publishing } from './handlers/publishing.ts';
import { build } from './http/routes.ts';
import { reaperMetrics, reapReservations } from './tasks/reaper.ts';

// The one wiring place of the inventory service: its database, the catalog API, the consumer that
// reserves, commits and releases stock as orders move, the one that records each order's fate, and
// the reaper that settles what the first left behind. The kit starts them in that order and stops
// them backwards; run alone with `node services/inventory/src/main.ts`.

export const service = defineService({
  name: 'inventory',
  config: inventoryConfig,
  // Debezium streams the verdicts and product changes from this schema's outbox, the demo catalog
  // the first migration writes included (the kit publishes the outbox before the files run).
  database: { migrations: new URL('../migrations/', import.meta.url) },
  wire: ({ config, pool, logger, metrics }) => {
    const publishing: Publishing = { topics: topicsOf(config), now: () => new Date(), newId: randomUUID };
    const reaper = {
      pool,
      publishing,
      logger: logger.child({ component: 'reaper' }),
      graceMs: config.REAPER_GRACE_MS,
      reportAfterMs: config.REAPER_REPORT_AFTER_MS,
      metrics: reaperMetrics(metrics),
    };
    return {
      http: (base) => build({ ...base, pool, publishing }),
      consumers: {
        orderEvents: { topics: [config.ORDER_EVENTS_TOPIC], handle: reserveForOrders({ publishing }) },
        // A group of its own: it sees an order's end even when the one above dead-lettered its event.
        orderFates: {
          topics: [config.ORDER_EVENTS_TOPIC],
          group: config.ORDER_FATES_GROUP,
          handle: recordOrderFates({ now: publishing.now }),
        },
      },
      tasks: { reaper: { intervalMs: config.REAPER_INTERVAL_MS, run: () => reapReservations(reaper) } },
      retention: retentionOf(config),
    };
  },
});

if (import.meta.main) await runStandalone(service);

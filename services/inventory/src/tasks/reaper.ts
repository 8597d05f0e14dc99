import {
  appendToOutbox,
  counter,
  gauge,
  type Logger,
  type OutboxMessage,
  type Pool,
  type Registry,
  withTransaction,
} from '@microshop/platform';
import type { Settlement } from '../domain/stock.ts';
import { applyCommand } from '../handlers/order-events.ts';
import type { Publishing } from '../handlers/publishing.ts';
import { type Reapable, reapable, unsettledOrders } from '../store/fates.ts';

/**
 * The reaper, a periodic task (every REAPER_INTERVAL_MS): reservations whose order's fate inventory
 * knows (order_fates) but that were never settled — the event that should have settled them was
 * dead-lettered, say — are settled now, exactly as that event would have: released (restocked when
 * already committed) for an order that FAILED or was CANCELLED, committed for one APPROVED or later.
 * It waits REAPER_GRACE_MS after the fate was seen, so the order's own event normally does it first;
 * the two take the same order lock and move lines only along their state machine, so either way a
 * line moves once.
 *
 * It also reports (a warning and the gauge `inventory_unsettled_reservations`) orders holding RESERVED
 * lines older than REAPER_REPORT_AFTER_MS — the sum of the deadlines an order can wait through — whose
 * fate it never saw: something upstream lost track of them.
 */

export interface ReaperOptions {
  pool: Pool;
  publishing: Publishing;
  logger: Logger;
  graceMs: number;
  reportAfterMs: number;
  /** Orders settled per pass at most. Default 100. */
  batchSize?: number;
  metrics?: ReaperMetrics;
}

export interface ReaperMetrics {
  reaped(settlement: Settlement): void;
  unsettled(orders: number): void;
}

export interface ReaperPass {
  reaped: Reapable[];
  unsettled: { count: number; oldest: string[] };
}

export async function reapReservations(options: ReaperOptions): Promise<ReaperPass> {
  const now = options.publishing.now();
  const due = await reapable(options.pool, {
    now,
    graceMs: options.graceMs,
    limit: options.batchSize ?? 100,
  });
  const reaped: Reapable[] = [];
  for (const order of due) {
    if (await settle(options, order)) {
      reaped.push(order);
      options.metrics?.reaped(order.settlement);
      options.logger.warn(order, 'reservation settled by the reaper (its order event never settled it)');
    }
  }
  const unsettled = await unsettledOrders(options.pool, { now, olderThanMs: options.reportAfterMs });
  options.metrics?.unsettled(unsettled.count);
  if (unsettled.count > 0) {
    options.logger.warn(
      { orders: unsettled.count, oldest: unsettled.oldest },
      'reservations held past every deadline by orders whose end inventory has not seen',
    );
  }
  return { reaped, unsettled };
}

/** The order's settlement, in a transaction of its own with the product changes it publishes. */
function settle(options: ReaperOptions, order: Reapable): Promise<boolean> {
  return withTransaction(options.pool, async (client) => {
    const published: OutboxMessage[] = [];
    const tx = { client, publish: (...messages: OutboxMessage[]) => void published.push(...messages) };
    const command = { type: 'SettleOrder' as const, orderId: order.orderId, settlement: order.settlement };
    const events = await applyCommand(tx, options.publishing, command);
    await appendToOutbox(client, published);
    return events.length > 0;
  });
}

export function reaperMetrics(registry: Registry): ReaperMetrics {
  const reaped = counter(
    registry,
    'inventory_reservations_reaped_total',
    'Orders whose reservations the reaper settled, by settlement (commit, release)',
    ['settlement'],
  );
  const unsettled = gauge(
    registry,
    'inventory_unsettled_reservations',
    'Orders holding RESERVED stock past every deadline whose end inventory has not seen',
  );
  return { reaped: (settlement) => reaped.inc({ settlement }), unsettled: (orders) => unsettled.set(orders) };
}

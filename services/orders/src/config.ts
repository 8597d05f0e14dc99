import { topics } from '@microshop/contracts';
import { commaList, envHttpUrl, envInteger, envTopic, serviceConfig } from '@microshop/platform';
import { z } from 'zod';
import type { TimeoutLimits } from './domain/wait.ts';

/**
 * The environment of the orders service, read once by main.ts. Topic, group and schema names default
 * to the real ones and are overridable, so a test or a scratch run uses topics of its own.
 */
export const ordersConfig = z.object({
  ...serviceConfig({ name: 'orders', port: 8101 }),
  /** Cap of a blocking GET's `timeout`; larger values are capped, not refused. */
  WAIT_MAX_MS: envInteger({ min: 0, max: 600_000, default: 30_000 }),
  /** A blocking GET's timeout when the request gives none (capped by WAIT_MAX_MS). */
  WAIT_DEFAULT_MS: envInteger({ min: 0, max: 600_000, default: 10_000 }),
  /** Blocking GETs one principal may have waiting at once on an instance; more → 429. */
  WAIT_MAX_PER_PRINCIPAL: envInteger({ min: 1, max: 10_000, default: 20 }),
  ORDER_DECISIONS_TOPIC: envTopic(topics.orderDecisions),
  PAYMENTS_TOPIC: envTopic(topics.payments),
  SHIPMENTS_TOPIC: envTopic(topics.shipments),
  ORDER_COMMANDS_TOPIC: envTopic(topics.orderCommands),
  /** The compacted catalog topic the copy of the prices is kept from. */
  PRODUCTS_TOPIC: envTopic(topics.products),
  /** The copy's own consumer group: a new one reads the compacted topic from its start. */
  CATALOG_CONSUMER_GROUP: z.string().min(1).default('orders-catalog'),
  /** The payments service (card tokens go there); else the first of UPSTREAM_PAYMENTS; else its default port. */
  PAYMENTS_URL: envHttpUrl().optional(),
  UPSTREAM_PAYMENTS: z.string().transform(commaList).optional(),
  PAYMENTS_TIMEOUT_MS: envInteger({ min: 10, max: 60_000, default: 2_000 }),
});
export type OrdersConfig = z.output<typeof ordersConfig>;

/** Everything that moves an order: decisions, payment results, shipments, the watchdog's commands. */
export function inboundTopicsOf(config: OrdersConfig): string[] {
  return [
    config.ORDER_DECISIONS_TOPIC,
    config.PAYMENTS_TOPIC,
    config.SHIPMENTS_TOPIC,
    config.ORDER_COMMANDS_TOPIC,
  ];
}

export function waitLimitsOf(config: OrdersConfig): TimeoutLimits {
  return { defaultMs: config.WAIT_DEFAULT_MS, maxMs: config.WAIT_MAX_MS };
}

export function paymentsUrlOf(config: OrdersConfig): string {
  return config.PAYMENTS_URL ?? config.UPSTREAM_PAYMENTS?.[0] ?? 'http://127.0.0.1:8105';
}

import { commaList, envHttpHost, envInteger, envLogLevel, envPort } from '@microshop/platform';
import { z } from 'zod';
import type { ServiceName } from './domain/routes.ts';

/**
 * The gateway's environment, read once by main. Upstream instances come as one variable per
 * service, `UPSTREAM_<NAME>` (upper case, `-` → `_`), each a comma-separated list of base URLs;
 * a service left unset is simply not routed (its paths answer 503).
 */

/** `http://127.0.0.1:8101, http://127.0.0.1:8102` → origins; a URL with a path is refused. */
export const envUpstreamList = z
  .string()
  .transform(commaList)
  .refine(
    (urls) => urls.every(isOriginUrl),
    'must be a comma-separated list of http(s)://host:port base URLs without a path',
  )
  .transform((urls) => urls.map((url) => new URL(url).origin))
  .default([]);

function isOriginUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return /^https?:$/.test(url.protocol) && url.pathname === '/' && url.search === '' && url.hash === '';
}

const mebibyte = 1024 * 1024;

export const gatewayConfig = z.object({
  HTTP_HOST: envHttpHost,
  HTTP_PORT: envPort(8080),
  LOG_LEVEL: envLogLevel,
  BODY_LIMIT_BYTES: envInteger({ min: 1, max: 64 * mebibyte, default: mebibyte }),
  RATE_LIMIT_RPS: envInteger({ min: 1, max: 1_000_000, default: 200 }),
  RATE_LIMIT_BURST: envInteger({ min: 1, max: 10_000_000, default: 400 }),
  HEALTH_INTERVAL_MS: envInteger({ min: 50, max: 600_000, default: 2000 }),
  HEALTH_TIMEOUT_MS: envInteger({ min: 10, max: 60_000, default: 1000 }),
  HEALTH_FAILURE_THRESHOLD: envInteger({ min: 1, max: 100, default: 2 }),
  // Above the orders service's 30 s cap on blocking GETs, so theirs answers before ours fires.
  UPSTREAM_TIMEOUT_MS: envInteger({ min: 100, max: 600_000, default: 35_000 }),
  UPSTREAM_CONNECTIONS: envInteger({ min: 1, max: 100_000, default: 256 }),
  RESPONSE_BUFFER_BYTES: envInteger({ min: 0, max: 64 * mebibyte, default: mebibyte }),
  OPENAPI_CACHE_MS: envInteger({ min: 0, max: 3_600_000, default: 5000 }),
  UPSTREAM_ORDERS: envUpstreamList,
  UPSTREAM_ORDER_BACKGROUND: envUpstreamList,
  UPSTREAM_CUSTOMERS: envUpstreamList,
  UPSTREAM_INVENTORY: envUpstreamList,
  UPSTREAM_PAYMENTS: envUpstreamList,
  UPSTREAM_SHIPMENTS: envUpstreamList,
  UPSTREAM_NOTIFICATIONS: envUpstreamList,
  UPSTREAM_OPERATIONS: envUpstreamList,
});

export type GatewayConfig = z.output<typeof gatewayConfig>;

/** The instances of each service, keyed by the names the route table uses. */
export function upstreamOrigins(config: GatewayConfig): Record<ServiceName, readonly string[]> {
  return {
    orders: config.UPSTREAM_ORDERS,
    'order-background': config.UPSTREAM_ORDER_BACKGROUND,
    customers: config.UPSTREAM_CUSTOMERS,
    inventory: config.UPSTREAM_INVENTORY,
    payments: config.UPSTREAM_PAYMENTS,
    shipments: config.UPSTREAM_SHIPMENTS,
    notifications: config.UPSTREAM_NOTIFICATIONS,
    operations: config.UPSTREAM_OPERATIONS,
  };
}

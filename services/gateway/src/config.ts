import { fileURLToPath } from 'node:url';
import { authConfig, commaList, envHttpHost, envInteger, envLogLevel, envPort } from '@microshop/platform';
import { z } from 'zod';
import type { RateLimitSettings } from './domain/rate-limit.ts';
import type { RouteGroup, ServiceName } from './domain/routes.ts';

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

/** Addresses or CIDR ranges of proxies in front of the gateway whose X-Forwarded-For names the client. */
const envProxyList = z
  .string()
  .transform(commaList)
  .refine((list) => list.every((entry) => /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(entry)), {
    message: 'must be a comma-separated list of IP addresses or CIDR ranges',
  })
  .default([]);

/** The built storefront and console (`npm run build -w @microshop/web`), served at `/` and `/console`. */
export const defaultWebRoot = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export const gatewayConfig = z.object({
  HTTP_HOST: envHttpHost,
  WEB_ROOT: z.string().min(1).default(defaultWebRoot),
  HTTP_PORT: envPort(8080),
  LOG_LEVEL: envLogLevel,
  /** The gateway verifies every token itself (the customers service's JWKS by default). */
  ...authConfig,
  BODY_LIMIT_BYTES: envInteger({ min: 1, max: 64 * mebibyte, default: mebibyte }),
  /** Reads, per principal (its token's subject) or else per client address. */
  RATE_LIMIT_RPS: envInteger({ min: 1, max: 1_000_000, default: 200 }),
  RATE_LIMIT_BURST: envInteger({ min: 1, max: 10_000_000, default: 400 }),
  /** Changes (POST, PUT, PATCH, DELETE), likewise. */
  RATE_LIMIT_WRITE_RPS: envInteger({ min: 1, max: 1_000_000, default: 50 }),
  RATE_LIMIT_WRITE_BURST: envInteger({ min: 1, max: 10_000_000, default: 100 }),
  /** Sign-up, sign-in, refresh: guessing passwords stays slow. */
  RATE_LIMIT_AUTH_RPS: envInteger({ min: 1, max: 1_000_000, default: 1 }),
  RATE_LIMIT_AUTH_BURST: envInteger({ min: 1, max: 10_000_000, default: 10 }),
  /** Default none: the connection's peer is the client, and X-Forwarded-For is not believed. */
  TRUSTED_PROXIES: envProxyList,
  /** How long a client may take to send its whole request (slow senders hold sockets). */
  REQUEST_TIMEOUT_MS: envInteger({ min: 1_000, max: 600_000, default: 30_000 }),
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
  UPSTREAM_FRAUD: envUpstreamList,
  UPSTREAM_VALIDATION_AGGREGATOR: envUpstreamList,
  UPSTREAM_MAIL_SINK: envUpstreamList,
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
    fraud: config.UPSTREAM_FRAUD,
    'validation-aggregator': config.UPSTREAM_VALIDATION_AGGREGATOR,
    'mail-sink': config.UPSTREAM_MAIL_SINK,
    operations: config.UPSTREAM_OPERATIONS,
  };
}

/** Each route group's limit. */
export function rateLimitsOf(config: GatewayConfig): Record<RouteGroup, RateLimitSettings> {
  return {
    read: { ratePerSecond: config.RATE_LIMIT_RPS, burst: config.RATE_LIMIT_BURST },
    write: { ratePerSecond: config.RATE_LIMIT_WRITE_RPS, burst: config.RATE_LIMIT_WRITE_BURST },
    auth: { ratePerSecond: config.RATE_LIMIT_AUTH_RPS, burst: config.RATE_LIMIT_AUTH_BURST },
  };
}

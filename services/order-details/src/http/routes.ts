import { buildHttpApp, type HttpApp, type HttpBase } from '@microshop/platform';

/**
 * The service's HTTP side: only the platform's operational routes (/health, /ready, /metrics,
 * /openapi.json). Verdicts travel on Kafka; nothing here is reached through the gateway.
 */

/** The app, not listening: the kit listens, tests use `inject`. */
export function build(base: HttpBase): Promise<HttpApp> {
  return buildHttpApp({
    serviceName: 'order-details',
    ...base,
    openapi: {
      title: 'microshop order-details',
      version: '0.1.0',
      description: 'The ORDER_DETAILS check: skus, prices, customer and total of each new order.',
    },
  });
}

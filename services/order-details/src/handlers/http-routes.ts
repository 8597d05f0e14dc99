import {
  buildHttpApp,
  type HttpApp,
  type Logger,
  type ReadinessCheck,
  type Registry,
} from '@microshop/platform';

/**
 * The service's HTTP side: only the platform's operational routes (/health, /ready, /metrics,
 * /openapi.json). Verdicts travel on Kafka; nothing here is reached through the gateway.
 */

export interface HttpOptions {
  logger: Logger;
  metrics: Registry;
  readiness?: ReadinessCheck[];
}

/** The app, not listening: main listens, tests use `inject`. */
export function buildHttp(options: HttpOptions): Promise<HttpApp> {
  return buildHttpApp({
    serviceName: 'order-details',
    logger: options.logger,
    metrics: options.metrics,
    readiness: options.readiness ?? [],
    openapi: {
      title: 'microshop order-details',
      version: '0.1.0',
      description: 'The ORDER_DETAILS check: skus, prices, customer and total of each new order.',
    },
  });
}

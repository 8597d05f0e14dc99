import {
  buildHttpApp,
  type HttpApp,
  type Logger,
  type ReadinessCheck,
  type Registry,
} from '@microshop/platform';

/**
 * The service's HTTP app: for now only the platform's `/health`, `/ready`, `/metrics` and
 * `/openapi.json`. The email part will add its routes (e.g. sent notifications) here.
 */

export interface HttpOptions {
  logger: Logger;
  metrics: Registry;
  readiness?: ReadinessCheck[];
}

/** Not listening: main listens, tests use `inject`. */
export function buildHttp(options: HttpOptions): Promise<HttpApp> {
  return buildHttpApp({
    serviceName: 'notifications',
    logger: options.logger,
    metrics: options.metrics,
    readiness: options.readiness ?? [],
    openapi: {
      title: 'microshop notifications',
      version: '0.1.0',
      description: 'Dynamic routing of orders by customer level (customer emails to come).',
    },
  });
}

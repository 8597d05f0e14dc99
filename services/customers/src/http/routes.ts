import {
  buildHttpApp,
  type HttpApp,
  type Logger,
  notFound,
  type Pool,
  type ReadinessCheck,
  type Registry,
  validationFailed,
} from '@microshop/platform';
import { type CommandDeps, change, find, register } from '../application/customer-commands.ts';
import { idempotencyKeyHeader, parseIdempotencyKey } from '../domain/idempotency.ts';
import {
  createCustomerSchema,
  customerLocation,
  customerPath,
  customersPath,
  getCustomerSchema,
  updateCustomerSchema,
} from './schemas.ts';

/**
 * The customers API, reached through the gateway under the same paths:
 *   POST  /api/v1/customers        register (optional Idempotency-Key)
 *   GET   /api/v1/customers/{id}   read
 *   PATCH /api/v1/customers/{id}   change name or level
 */

export interface HttpOptions {
  pool: Pool;
  commands: CommandDeps;
  logger: Logger;
  metrics: Registry;
  readiness?: ReadinessCheck[];
}

/** The app with every route, not listening: main listens, tests use `inject`. */
export async function buildHttp(options: HttpOptions): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'customers',
    logger: options.logger,
    metrics: options.metrics,
    readiness: options.readiness ?? [],
    openapi: {
      title: 'microshop customers',
      version: '0.1.0',
      description: 'Customers and their levels; every change is published on microshop.customers.',
    },
  });
  registerRoutes(app, options.pool, options.commands);
  return app;
}

export function registerRoutes(app: HttpApp, pool: Pool, commands: CommandDeps): void {
  app.post(customersPath, { schema: createCustomerSchema }, async (request, reply) => {
    const key = idempotencyKeyOf(request.headers['idempotency-key']);
    const { customer, created } = await register(pool, commands, request.body, key);
    return reply
      .status(created ? 201 : 200)
      .header('location', customerLocation(customer.id))
      .send(customer);
  });

  app.get(customerPath, { schema: getCustomerSchema }, async (request) => {
    const customer = await find(pool, request.params.id);
    if (customer === null) throw notFound('Customer', request.params.id);
    return customer;
  });

  app.patch(customerPath, { schema: updateCustomerSchema }, async (request) =>
    change(pool, commands, request.params.id, request.body),
  );
}

function idempotencyKeyOf(raw: unknown): string | null {
  const parsed = parseIdempotencyKey(raw);
  if (parsed.ok) return parsed.key;
  throw validationFailed([{ field: idempotencyKeyHeader, rule: 'pattern', message: parsed.message }]);
}

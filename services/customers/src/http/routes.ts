import {
  buildHttpApp,
  type HttpApp,
  type HttpBase,
  idempotentRequest,
  notFound,
  type Pool,
} from '@microshop/platform';
import { type CommandDeps, change, find, register } from '../handlers/customer-commands.ts';
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

export interface HttpDeps extends HttpBase {
  pool: Pool;
  commands: CommandDeps;
}

/** The app with every route, not listening: the kit listens, tests use `inject`. */
export async function build({ pool, commands, ...base }: HttpDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'customers',
    ...base,
    openapi: {
      title: 'microshop customers',
      version: '0.1.0',
      description: 'Customers and their levels; every change is published on microshop.customers.',
    },
  });
  registerRoutes(app, pool, commands);
  return app;
}

export function registerRoutes(app: HttpApp, pool: Pool, commands: CommandDeps): void {
  app.post(customersPath, { schema: createCustomerSchema }, async (request, reply) => {
    const idempotent = idempotentRequest(request.headers['idempotency-key'], request.body);
    const { value: customer, created } = await register(pool, commands, request.body, idempotent);
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

import {
  assertOwner,
  buildHttpApp,
  encodePageCursor,
  type HttpApp,
  type HttpBase,
  idempotentRequest,
  notFound,
  type Pool,
} from '@microshop/platform';
import type { AccountDeps } from '../handlers/accounts.ts';
import { type CommandDeps, change, find, register } from '../handlers/customer-commands.ts';
import type { KeyRing } from '../handlers/signing-keys.ts';
import { listCustomers } from '../store/customer-list.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import {
  createCustomerSchema,
  customerLocation,
  customerPath,
  customersPath,
  getCustomerSchema,
  listCustomersSchema,
  updateCustomerSchema,
} from './schemas.ts';

/**
 * The customers API, reached through the gateway under the same paths:
 *   GET   /api/v1/customers        list, newest first, by level or email prefix (operators)
 *   POST  /api/v1/customers        register (operators; optional Idempotency-Key)
 *   GET   /api/v1/customers/{id}   read (the customer themselves, or an operator)
 *   PATCH /api/v1/customers/{id}   change name or level (operators)
 * and sign-up, sign-in and tokens under /api/v1/auth (auth-routes.ts).
 */

export interface HttpDeps extends HttpBase {
  pool: Pool;
  commands: CommandDeps;
  identity: AccountDeps & { keys: KeyRing };
}

/** The app with every route, not listening: the kit listens, tests use `inject`. */
export async function build({ pool, commands, identity, ...base }: HttpDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'customers',
    ...base,
    openapi: {
      title: 'microshop customers',
      version: '0.1.0',
      description:
        'Customers and their levels (every change is published on microshop.customers), and sign-in.',
    },
  });
  registerRoutes(app, pool, commands);
  registerAuthRoutes(app, identity);
  return app;
}

export function registerRoutes(app: HttpApp, pool: Pool, commands: CommandDeps): void {
  app.get(customersPath, { schema: listCustomersSchema }, async (request) => {
    const { level, q, limit, cursor } = request.query;
    const page = await listCustomers(pool, { level, emailPrefix: q, limit, after: cursor });
    return { items: page.customers, next: encodePageCursor(page.next) };
  });

  app.post(customersPath, { schema: createCustomerSchema }, async (request, reply) => {
    const scope = request.principal?.subject;
    const idempotent = idempotentRequest(request.headers['idempotency-key'], request.body, scope);
    const { value: customer, created } = await register(pool, commands, request.body, idempotent);
    return reply
      .status(created ? 201 : 200)
      .header('location', customerLocation(customer.id))
      .send(customer);
  });

  app.get(customerPath, { schema: getCustomerSchema }, async (request) => {
    const { id } = request.params;
    // Another customer's id is answered as a missing one, before anything is read.
    assertOwner(request, id, `Customer ${id}`);
    const customer = await find(pool, id);
    if (customer === null) throw notFound('Customer', id);
    return customer;
  });

  app.patch(customerPath, { schema: updateCustomerSchema }, async (request) =>
    change(pool, commands, request.params.id, request.body),
  );
}

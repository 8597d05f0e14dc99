import { currencySchema, idSchema, timestampSchema, validationResultSchema } from '@microshop/contracts';
import {
  buildHttpApp,
  type HttpApp,
  type HttpBase,
  type Pool,
  problemDetailsSchema,
} from '@microshop/platform';
import { z } from 'zod';
import { listSessions } from '../store/read-models.ts';

/**
 * The service's HTTP API, for operators (through the gateway under the same path):
 *   GET /api/v1/fraud/customers/{id}/sessions   the customer's session windows, newest first
 */

export const defaultSessionsLimit = 20;
export const maxSessionsLimit = 200;

const idParams = z.object({ id: idSchema });
const sessionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(maxSessionsLimit).default(defaultSessionsLimit),
});

const sessionOrder = z.object({
  orderId: idSchema,
  amount: z.number().int(),
  createdAt: timestampSchema,
  result: validationResultSchema,
  reason: z.string().nullable(),
});

const sessionsResponse = z
  .object({
    customerId: idSchema,
    sessions: z.array(
      z.object({
        currency: currencySchema,
        startedAt: timestampSchema,
        lastOrderAt: timestampSchema,
        total: z.number().int(),
        orderCount: z.number().int(),
        current: z.boolean(),
        orders: z.array(sessionOrder),
      }),
    ),
  })
  .meta({ id: 'FraudSessions' });

export interface HttpDeps extends HttpBase {
  pool: Pool;
}

/** The app with every route, not listening: the kit listens, tests use `inject`. */
export async function build({ pool, ...base }: HttpDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'fraud',
    ...base,
    openapi: {
      title: 'microshop fraud',
      version: '0.1.0',
      description: 'Order value per customer and currency in session windows; the FRAUD check.',
    },
  });
  registerRoutes(app, pool);
  return app;
}

export function registerRoutes(app: HttpApp, pool: Pool): void {
  app.get(
    '/api/v1/fraud/customers/:id/sessions',
    {
      schema: {
        summary: "A customer's session windows with the orders counted in each, newest first",
        'x-access': 'operator',
        params: idParams,
        querystring: sessionsQuery,
        response: { 200: sessionsResponse, 400: problemDetailsSchema },
      },
    },
    async (request) => {
      const customerId = request.params.id;
      return { customerId, sessions: await listSessions(pool, customerId, request.query.limit) };
    },
  );
}

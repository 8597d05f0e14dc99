import { idSchema, validationCheckSchema, validationResultSchema } from '@microshop/contracts';
import {
  buildHttpApp,
  type HttpApp,
  type HttpBase,
  mapPgError,
  notFound,
  type Pool,
  problemDetailsSchema,
} from '@microshop/platform';
import { z } from 'zod';
import { findValidation, type ValidationView } from '../store/aggregate-store.ts';

/**
 * The aggregator's operator API (operators only; not routed by the gateway):
 *   GET /api/v1/validations/{orderId}   the checks' results and the decision of one order
 */

const params = z.object({ orderId: idSchema.describe('Order id (uuid)') });

const validationResponse = z
  .object({
    orderId: idSchema,
    results: z.array(
      z.object({
        check: validationCheckSchema,
        result: validationResultSchema,
        reason: z.string().nullable(),
        eventId: z.string(),
        receivedAt: z.string(),
      }),
    ),
    decision: z
      .object({
        outcome: z.enum(['VALIDATED', 'REJECTED']),
        reasons: z.array(z.string()),
        eventId: z.string(),
        decidedAt: z.string(),
      })
      .nullable(),
  })
  .meta({ id: 'OrderValidationState' });

export interface HttpDeps extends HttpBase {
  pool: Pool;
}

/** The app with every route, not listening: the kit listens, tests use `inject`. */
export async function build({ pool, ...base }: HttpDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'validation-aggregator',
    ...base,
    openapi: {
      title: 'microshop validation-aggregator',
      version: '0.1.0',
      description:
        'The fraud, inventory and order-details results of each order, and the one decision made on them.',
    },
  });
  registerRoutes(app, pool);
  return app;
}

export function registerRoutes(app: HttpApp, pool: Pool): void {
  app.get(
    '/api/v1/validations/:orderId',
    {
      schema: {
        summary: "An order's validation results (first per check, in arrival order) and its decision",
        'x-access': 'operator',
        params,
        response: { 200: validationResponse, 400: problemDetailsSchema, 404: problemDetailsSchema },
      },
    },
    async (request) => {
      const view = await read(pool, request.params.orderId);
      if (view === null) throw notFound('Validation of order', request.params.orderId);
      return view;
    },
  );
}

/** A lost database becomes a retriable 503, not a 500. */
async function read(pool: Pool, orderId: string): Promise<ValidationView | null> {
  try {
    return await findValidation(pool, orderId);
  } catch (error) {
    throw mapPgError(error);
  }
}

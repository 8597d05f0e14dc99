import { idSchema, validationCheckSchema, validationResultSchema } from '@microshop/contracts';
import {
  buildHttpApp,
  type HttpApp,
  type Logger,
  mapPgError,
  notFound,
  type Pool,
  problemDetailsSchema,
  type ReadinessCheck,
  type Registry,
} from '@microshop/platform';
import { z } from 'zod';
import { findValidation, type ValidationView } from '../store/aggregate-store.ts';

/**
 * The aggregator's operator API (not routed by the gateway):
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

export interface HttpOptions {
  pool: Pool;
  logger: Logger;
  metrics: Registry;
  readiness?: ReadinessCheck[];
}

/** The app with every route, not listening: main listens, tests use `inject`. */
export async function buildHttp(options: HttpOptions): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'validation-aggregator',
    logger: options.logger,
    metrics: options.metrics,
    readiness: options.readiness ?? [],
    openapi: {
      title: 'microshop validation-aggregator',
      version: '0.1.0',
      description:
        'The fraud, inventory and order-details results of each order, and the one decision made on them.',
    },
  });
  registerRoutes(app, options.pool);
  return app;
}

export function registerRoutes(app: HttpApp, pool: Pool): void {
  app.get(
    '/api/v1/validations/:orderId',
    {
      schema: {
        summary: "An order's validation results (first per check, in arrival order) and its decision",
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

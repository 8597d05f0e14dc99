import { idSchema, orderSchema, orderStatusSchema, timelineEntrySchema } from '@microshop/contracts';
import {
  assertOwner,
  buildHttpApp,
  commaList,
  type HttpApp,
  type HttpBase,
  notFound,
  type Pool,
  problemDetailsSchema,
} from '@microshop/platform';
import { z } from 'zod';
import { findTimeline, listCustomerOrders } from '../store/read-models.ts';
import { registerAttentionRoute } from './attention.ts';
import { registerOrderStatsRoute } from './order-stats.ts';

/**
 * The service's HTTP API, reached through the gateway under the same paths (the order's customer,
 * or operators; anyone else gets the 404 of an unknown id):
 *   GET /api/v1/orders/{id}/timeline      every status change of the order, with its time
 *   GET /api/v1/customers/{id}/orders     the customer's orders, latest snapshot each, newest first
 *   GET /api/v1/attention/orders          operators: orders past a deadline no command can end
 *   GET /api/v1/order-stats               operators: orders per minute, funnel, step latencies
 */

export const defaultOrdersLimit = 50;
export const maxOrdersLimit = 200;

const idParams = z.object({ id: idSchema });

const timelineResponse = z
  .object({ orderId: idSchema, customerId: idSchema, timeline: z.array(timelineEntrySchema) })
  .meta({ id: 'OrderTimeline' });

const customerOrdersResponse = z
  .object({ customerId: idSchema, orders: z.array(orderSchema) })
  .meta({ id: 'CustomerOrders' });

/** `?status=CREATED,VALIDATED`: comma-separated, each a known status; empty means no filter. */
const statusFilter = z.string().transform(commaList).pipe(z.array(orderStatusSchema));

const customerOrdersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(maxOrdersLimit).default(defaultOrdersLimit),
  status: statusFilter.optional(),
});

export interface HttpDeps extends HttpBase {
  pool: Pool;
}

/** The app with every route, not listening: the kit listens, tests use `inject`. */
export async function build({ pool, ...base }: HttpDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'order-background',
    ...base,
    openapi: {
      title: 'microshop order-background',
      version: '0.1.0',
      description: 'Order timelines and customer order histories, projected from order status events.',
    },
  });
  registerRoutes(app, pool);
  registerAttentionRoute(app, pool);
  registerOrderStatsRoute(app, pool);
  return app;
}

export function registerRoutes(app: HttpApp, pool: Pool): void {
  app.get(
    '/api/v1/orders/:id/timeline',
    {
      schema: {
        summary: "An order's status changes, oldest first",
        'x-access': 'owner',
        params: idParams,
        response: { 200: timelineResponse, 400: problemDetailsSchema, 404: problemDetailsSchema },
      },
    },
    async (request) => {
      const timeline = await findTimeline(pool, request.params.id);
      if (timeline === null) throw notFound('Order', request.params.id);
      assertOwner(request, timeline.customerId, `Order ${request.params.id}`);
      return timeline;
    },
  );

  app.get(
    '/api/v1/customers/:id/orders',
    {
      schema: {
        summary: "A customer's orders (latest state of each), newest first",
        'x-access': 'owner',
        params: idParams,
        querystring: customerOrdersQuery,
        response: { 200: customerOrdersResponse, 400: problemDetailsSchema, 404: problemDetailsSchema },
      },
    },
    async (request) => {
      const customerId = request.params.id;
      assertOwner(request, customerId, `Customer ${customerId}`);
      const { limit, status } = request.query;
      const orders = await listCustomerOrders(pool, { customerId, limit, statuses: status ?? [] });
      return { customerId, orders };
    },
  );
}

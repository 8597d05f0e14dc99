import { idSchema, orderStatusSchema } from '@microshop/contracts';
import { type HttpApp, type Pool, problemDetailsSchema } from '@microshop/platform';
import { z } from 'zod';
import { listAttention } from '../store/attention-store.ts';

/**
 * GET /api/v1/attention/orders?state=open|resolved|all&limit=100 (operators only): the orders the
 * watchdog flagged because they stayed in a status past its deadline and no command can end them
 * (SHIPPED with no delivery reported), oldest flag first; `open` (default) are the unresolved ones.
 */

export const attentionPath = '/api/v1/attention/orders';
export const maxAttentionLimit = 1_000;

const attentionEntry = z
  .object({
    orderId: idSchema,
    customerId: idSchema.nullable(),
    currentStatus: orderStatusSchema.nullable().describe('The status now; it resolves the flag once it ends'),
    status: orderStatusSchema.describe('The status the order overstayed'),
    reason: z.string().describe('NO_DELIVERY_REPORTED'),
    detail: z.string(),
    since: z.string().describe('When the order entered `status`'),
    flaggedAt: z.string(),
    resolvedAt: z.string().nullable(),
    resolvedBy: orderStatusSchema.nullable(),
  })
  .meta({ id: 'OrderAttention' });

const attentionQuery = z.object({
  state: z.enum(['open', 'resolved', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(maxAttentionLimit).default(100),
});

export function registerAttentionRoute(app: HttpApp, pool: Pool): void {
  app.get(
    attentionPath,
    {
      schema: {
        'x-access': 'operator',
        summary: 'Orders that need an operator: past a deadline no command can end',
        querystring: attentionQuery,
        response: {
          200: z.object({ orders: z.array(attentionEntry) }).meta({ id: 'OrdersNeedingAttention' }),
          400: problemDetailsSchema,
        },
      },
    },
    async (request) => ({ orders: await listAttention(pool, request.query) }),
  );
}

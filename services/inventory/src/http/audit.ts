import { skuSchema } from '@microshop/contracts';
import { type HttpApp, mapPgError, notFound, type Pool, problemDetailsSchema } from '@microshop/platform';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditedFields } from '../domain/audit.ts';
import { listAudit } from '../store/audit.ts';
import { findProduct } from '../store/products.ts';

/**
 * GET /api/v1/products/{sku}/audit (operators): who changed the product's name, price, currency or
 * stock, when, from what to what, newest first.
 */

export const auditPath = '/api/v1/products/:sku/audit';

/**
 * Who a catalog change is recorded as made by: the verified principal the kit's access control sets
 * on the request; `anonymous` only where a service runs without access control (some tests).
 */
export function actorOf(request: FastifyRequest): string {
  return request.principal?.subject ?? 'anonymous';
}

const value = z.union([z.string(), z.number()]);

const auditEntrySchema = z
  .object({
    field: z.enum(auditedFields),
    from: value.nullable().describe('The value before; null when the change created the product'),
    to: value,
    by: z.string().describe('The subject of the principal who made the change'),
    at: z.string(),
  })
  .meta({ id: 'CatalogAuditEntry' });

export const auditSchema = {
  tags: ['catalog'],
  summary: "A product's change history (operators)",
  'x-access': 'operator' as const,
  params: z.object({ sku: skuSchema }),
  querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
  response: {
    200: z.object({ sku: skuSchema, entries: z.array(auditEntrySchema) }).meta({ id: 'CatalogAudit' }),
    400: problemDetailsSchema,
    404: problemDetailsSchema,
  },
};

export function registerAuditRoute(app: HttpApp, pool: Pool): void {
  app.get(auditPath, { schema: auditSchema }, async (request) => {
    const { sku } = request.params;
    try {
      if ((await findProduct(pool, sku)) === null) throw notFound('Product', sku);
      return { sku, entries: await listAudit(pool, sku, request.query.limit) };
    } catch (error) {
      throw mapPgError(error);
    }
  });
}

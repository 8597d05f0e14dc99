import {
  buildHttpApp,
  type HttpApp,
  type HttpBase,
  mapPgError,
  notFound,
  type Pool,
} from '@microshop/platform';
import { setStock, upsertProduct } from '../handlers/catalog-commands.ts';
import type { Publishing } from '../handlers/publishing.ts';
import { findProduct, listProducts } from '../store/products.ts';
import { listReservations } from '../store/reservations.ts';
import { actorOf, registerAuditRoute } from './audit.ts';
import {
  getProductSchema,
  listProductsSchema,
  listReservationsSchema,
  productLocation,
  productPath,
  productsPath,
  reservationsPath,
  setStockSchema,
  stockPath,
  upsertProductSchema,
} from './schemas.ts';

/**
 * The catalog API, reached through the gateway under the same paths:
 *   GET /api/v1/products                        every product with stock and reserved units (anyone)
 *   GET /api/v1/products/{sku}                  one product (signed in)
 *   PUT /api/v1/products/{sku}                  create or update a product (operators)
 *   PUT /api/v1/products/{sku}/stock            set the units on hand (operators)
 *   GET /api/v1/products/{sku}/reservations     the product's reservations, newest first (operators)
 *   GET /api/v1/products/{sku}/audit            who changed the product, when, what (operators)
 */

export interface HttpDeps extends HttpBase {
  pool: Pool;
  publishing: Publishing;
}

/** The app with every route, not listening: the kit listens, tests use `inject`. */
export async function build({ pool, publishing, ...base }: HttpDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'inventory',
    ...base,
    openapi: {
      title: 'microshop inventory',
      version: '0.1.0',
      description: 'The catalog and its stock; reservations of order lines.',
    },
  });
  registerRoutes(app, pool, publishing);
  return app;
}

export function registerRoutes(app: HttpApp, pool: Pool, publishing: Publishing): void {
  app.get(productsPath, { schema: listProductsSchema }, async () => ({
    products: await read(() => listProducts(pool)),
  }));

  app.get(productPath, { schema: getProductSchema }, async (request) => {
    const product = await read(() => findProduct(pool, request.params.sku));
    if (product === null) throw notFound('Product', request.params.sku);
    return product;
  });

  app.put(productPath, { schema: upsertProductSchema }, async (request, reply) => {
    const { sku } = request.params;
    const { product, created } = await upsertProduct(pool, publishing, sku, request.body, actorOf(request));
    if (!created) return reply.status(200).send(product);
    return reply.status(201).header('location', productLocation(sku)).send(product);
  });

  app.put(stockPath, { schema: setStockSchema }, async (request) =>
    setStock(pool, publishing, request.params.sku, request.body.stock, actorOf(request)),
  );

  app.get(reservationsPath, { schema: listReservationsSchema }, async (request) => {
    const { sku } = request.params;
    if ((await read(() => findProduct(pool, sku))) === null) throw notFound('Product', sku);
    return { sku, reservations: await read(() => listReservations(pool, sku, request.query.limit)) };
  });

  registerAuditRoute(app, pool);
}

/** A plain read outside a transaction: a lost database becomes a retriable 503, not a 500. */
async function read<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    throw mapPgError(error);
  }
}

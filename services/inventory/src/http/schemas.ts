import {
  idSchema,
  productSchema,
  setStockRequestSchema,
  skuSchema,
  upsertProductRequestSchema,
} from '@microshop/contracts';
import { problemDetailsSchema } from '@microshop/platform';
import { z } from 'zod';
import { reservationStates } from '../domain/stock.ts';

// Route schemas: the zod type provider validates requests with them and @fastify/swagger turns
// them into /openapi.json (which the gateway merges into /api/openapi.json).

export const productsPath = '/api/v1/products';
export const productPath = `${productsPath}/:sku`;
export const stockPath = `${productsPath}/:sku/stock`;
export const reservationsPath = `${productsPath}/:sku/reservations`;

export function productLocation(sku: string): string {
  return `${productsPath}/${sku}`;
}

export const defaultReservationsLimit = 50;
export const maxReservationsLimit = 200;

const tags = ['catalog'];
const problem = problemDetailsSchema;
const product = productSchema.meta({ id: 'Product' });
const skuParams = z.object({ sku: skuSchema.describe('Stock keeping unit, e.g. JUMPERS') });

export const listProductsSchema = {
  tags,
  summary: 'Every product with its stock, by sku',
  'x-access': 'public' as const,
  response: { 200: z.object({ products: z.array(product) }).meta({ id: 'ProductList' }) },
};

export const getProductSchema = {
  tags,
  summary: 'One product with its stock',
  'x-access': 'signed-in' as const,
  params: skuParams,
  response: { 200: product, 400: problem, 404: problem },
};

export const setStockSchema = {
  tags,
  summary: 'Set the units on hand (operators)',
  'x-access': 'operator' as const,
  description: 'Refused with 409 below the units reserved for orders not yet settled.',
  params: skuParams,
  body: setStockRequestSchema,
  response: { 200: product, 400: problem, 404: problem, 409: problem, 415: problem },
};

export const upsertProductSchema = {
  tags,
  summary: 'Create or update a product (operators)',
  'x-access': 'operator' as const,
  description:
    'Creates the sku (201, stock 0 unless given) or updates name, price and currency (200); a given ' +
    'stock is set under the same rule as PUT …/stock. Reservations are never changed.',
  params: skuParams,
  body: upsertProductRequestSchema,
  response: {
    200: product.describe('The product, updated'),
    201: product.describe('The product, created'),
    400: problem,
    409: problem,
    415: problem,
  },
};

const reservationSchema = z
  .object({
    orderId: idSchema,
    line: z.number().int().nonnegative().describe("The line's index in the order's items"),
    quantity: z.number().int().positive(),
    state: z.enum(reservationStates),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Reservation' });

export const listReservationsSchema = {
  tags,
  summary: "A product's reservations, newest first (operators: they name orders)",
  'x-access': 'operator' as const,
  params: skuParams,
  querystring: z.object({
    limit: z.coerce.number().int().min(1).max(maxReservationsLimit).default(defaultReservationsLimit),
  }),
  response: {
    200: z.object({ sku: skuSchema, reservations: z.array(reservationSchema) }).meta({ id: 'Reservations' }),
    400: problem,
    404: problem,
  },
};

import { z } from 'zod';
import { envelopeBase } from './envelope.ts';
import { currencySchema, moneySchema, skuSchema, timestampSchema } from './orders.ts';

// The catalog, owned by the inventory service: HTTP bodies and the event published on the compacted
// topic `microshop.products` (key = sku) whenever a product's price or stock changes, so order-details
// keeps its own copy of skus and prices.

export const productSchema = z.object({
  sku: skuSchema,
  name: z.string(),
  unitPrice: moneySchema,
  currency: currencySchema,
  /** Units on hand. */
  stock: z.number().int().nonnegative(),
  /** Units promised to orders not yet approved (stock − reserved is what can still be sold). */
  reserved: z.number().int().nonnegative(),
  updatedAt: timestampSchema,
});
export type Product = z.infer<typeof productSchema>;

export const setStockRequestSchema = z.strictObject({
  stock: z.number().int().nonnegative().max(1_000_000_000),
});
export type SetStockRequest = z.infer<typeof setStockRequestSchema>;

/**
 * Creates or updates a product (operator API). For an existing sku reservations are never touched and
 * stock is kept unless given (then it is set as by PUT …/stock: never below the reserved units).
 */
export const upsertProductRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  unitPrice: moneySchema,
  currency: currencySchema.default('EUR'),
  stock: z.number().int().nonnegative().max(1_000_000_000).optional(),
});
export type UpsertProductRequest = z.infer<typeof upsertProductRequestSchema>;

export const productChangedEventSchema = envelopeBase.extend({
  type: z.literal('ProductChanged'),
  source: z.literal('inventory'),
  sku: skuSchema,
  product: productSchema,
});
export type ProductChangedEvent = z.infer<typeof productChangedEventSchema>;

import type { Product, UpsertProductRequest } from '@microshop/contracts';

/**
 * The operator's rules on the catalog. Units promised to orders cannot disappear: stock may go
 * down to what is reserved, never below it (the reservations would then oversell).
 */

/** Why `stock` cannot be set on a product with `reserved` units promised, or null if it can. */
export function stockRefusal(sku: string, reserved: number, stock: number): string | null {
  if (stock >= reserved) return null;
  return (
    `stock of ${sku} cannot be set to ${stock}: ${reserved} unit${reserved === 1 ? ' is' : 's are'} ` +
    'reserved for orders not yet settled'
  );
}

/** The product after the operator's upsert; stock is kept when the request leaves it out. */
export function upserted(current: Product, request: UpsertProductRequest): Product {
  return {
    ...current,
    name: request.name,
    unitPrice: request.unitPrice,
    currency: request.currency,
    stock: request.stock ?? current.stock,
  };
}

/** True when the upsert would change nothing visible: no event, no new updatedAt. */
export function sameProduct(a: Product, b: Product): boolean {
  return (
    a.sku === b.sku &&
    a.name === b.name &&
    a.unitPrice === b.unitPrice &&
    a.currency === b.currency &&
    a.stock === b.stock &&
    a.reserved === b.reserved
  );
}

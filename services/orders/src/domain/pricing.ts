import type { CreateOrderRequest, OrderItem } from '@microshop/contracts';

/**
 * Prices are the catalog's: each line gets the unit price of its sku in the orders service's copy
 * of the catalog when the order is placed. A line may state the price the client saw; a different
 * one is refused rather than charged (and rather than silently corrected), and so is an unknown sku.
 * Pure: the catalog entries come in as an argument.
 */

export interface CatalogPrice {
  unitPrice: number;
  currency: string;
}

/** A line the catalog does not know, by its index in the request. */
export interface UnknownSku {
  line: number;
  sku: string;
}

/** A line stating another price than the catalog's. */
export interface PriceMismatch {
  line: number;
  sku: string;
  stated: number;
  catalog: number;
}

export type Pricing =
  | { kind: 'priced'; items: OrderItem[] }
  | { kind: 'unknown-skus'; lines: UnknownSku[] }
  | { kind: 'price-mismatch'; lines: PriceMismatch[] };

export function priceItems(
  items: CreateOrderRequest['items'],
  catalog: ReadonlyMap<string, CatalogPrice>,
): Pricing {
  const unknown: UnknownSku[] = [];
  const mismatched: PriceMismatch[] = [];
  const priced = items.map(({ sku, quantity, unitPrice }, line): OrderItem => {
    const entry = catalog.get(sku);
    if (entry === undefined) unknown.push({ line, sku });
    else if (unitPrice !== undefined && unitPrice !== entry.unitPrice)
      mismatched.push({ line, sku, stated: unitPrice, catalog: entry.unitPrice });
    return { sku, quantity, unitPrice: entry?.unitPrice ?? 0 };
  });
  if (unknown.length > 0) return { kind: 'unknown-skus', lines: unknown };
  if (mismatched.length > 0) return { kind: 'price-mismatch', lines: mismatched };
  return { kind: 'priced', items: priced };
}

import type { CreateOrderRequest, OrderItem } from '@microshop/contracts';
import { AppError, type IdempotentRequest, validationFailed } from '@microshop/platform';
import { type PriceMismatch, priceItems, type UnknownSku } from '../domain/pricing.ts';
import { catalogPrices } from '../store/catalog.ts';
import type { Queryable } from '../store/orders-store.ts';

/**
 * An order's lines priced from the service's copy of the catalog, or the refusal: an unknown sku is
 * a 400 naming `items[i].sku`; a stated price other than the catalog's a 409 naming
 * `items[i].unitPrice`, the sku and both prices. Either way nothing is written.
 */
export async function priceOrThrow(db: Queryable, items: CreateOrderRequest['items']): Promise<OrderItem[]> {
  const catalog = await catalogPrices(
    db,
    items.map((item) => item.sku),
  );
  const pricing = priceItems(items, catalog);
  switch (pricing.kind) {
    case 'priced':
      return pricing.items;
    case 'unknown-skus':
      throw unknownSkus(pricing.lines);
    case 'price-mismatch':
      throw pricesDiffer(pricing.lines);
  }
}

function unknownSkus(lines: readonly UnknownSku[]): AppError {
  return validationFailed(
    lines.map(({ line, sku }) => ({
      field: `items[${line}].sku`,
      rule: 'catalog',
      message: `the catalog has no product ${sku}`,
    })),
  );
}

function pricesDiffer(lines: readonly PriceMismatch[]): AppError {
  const fields = lines.map(({ line, sku, stated, catalog }) => ({
    field: `items[${line}].unitPrice`,
    rule: 'catalogPrice',
    message: `${sku} costs ${catalog} in the catalog, not ${stated}`,
  }));
  const summary = lines
    .map(({ sku, stated, catalog }) => `${sku}: the order says ${stated}, the catalog ${catalog}`)
    .join('; ');
  return new AppError('CONFLICT', `Prices are the catalog's (${summary})`, { fields });
}

/** Whether the request's idempotency key was claimed already: its replay is answered, not priced. */
export async function keyClaimed(db: Queryable, idempotent: IdempotentRequest | null): Promise<boolean> {
  if (idempotent === null) return false;
  const result = await db.query('SELECT 1 FROM idempotency WHERE scope = $1 AND key = $2', [
    idempotent.scope ?? '',
    idempotent.key,
  ]);
  return result.rowCount === 1;
}

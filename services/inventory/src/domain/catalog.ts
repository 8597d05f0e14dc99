import type { Product, UpsertProductRequest } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';

/**
 * The operator's commands on the catalog. Units promised to orders cannot disappear: stock may go
 * down to what is reserved, never below it (the reservations would then oversell). An upsert creates
 * the product (stock 0 unless given) or updates name, price and currency (and stock when given);
 * reservations are never touched. Pure: the store locks the product row and hands it in; `at` is
 * the time of the change.
 */

export type CatalogCommand =
  | { type: 'SetStock'; sku: string; stock: number; at: Date }
  | { type: 'UpsertProduct'; sku: string; request: UpsertProductRequest; at: Date };

/**
 * What happened: a product was added or edited (the whole product after), or the command was
 * refused (an unknown sku for SetStock; stock below what is reserved). An edit that would change
 * nothing visible is no event at all: no write, no ProductChanged, no new updatedAt.
 */
export type CatalogEvent =
  | { type: 'ProductAdded'; product: Product }
  | { type: 'ProductEdited'; product: Product }
  | { type: 'ProductUnknown'; sku: string }
  | { type: 'StockChangeRefused'; sku: string; reason: string };

export function decide(command: CatalogCommand, current: Product | null): CatalogEvent[] {
  switch (command.type) {
    case 'SetStock':
      if (current === null) return [{ type: 'ProductUnknown', sku: command.sku }];
      return edit(current, { ...current, stock: command.stock }, command.at);
    case 'UpsertProduct':
      if (current === null) return [{ type: 'ProductAdded', product: added(command) }];
      return edit(current, upserted(current, command.request), command.at);
    default:
      return unreachable(command);
  }
}

export function evolve(current: Product | null, event: CatalogEvent): Product | null {
  switch (event.type) {
    case 'ProductAdded':
    case 'ProductEdited':
      return event.product;
    case 'ProductUnknown':
    case 'StockChangeRefused':
      return current;
    default:
      return unreachable(event);
  }
}

function edit(current: Product, next: Product, at: Date): CatalogEvent[] {
  const refusal = stockRefusal(current.sku, current.reserved, next.stock);
  if (refusal !== null) return [{ type: 'StockChangeRefused', sku: current.sku, reason: refusal }];
  if (sameProduct(current, next)) return [];
  return [{ type: 'ProductEdited', product: { ...next, updatedAt: at.toISOString() } }];
}

function added(command: Extract<CatalogCommand, { type: 'UpsertProduct' }>): Product {
  const { request } = command;
  return {
    sku: command.sku,
    name: request.name,
    unitPrice: request.unitPrice,
    currency: request.currency,
    stock: request.stock ?? 0,
    reserved: 0,
    updatedAt: command.at.toISOString(),
  };
}

/** Why `stock` cannot be set on a product with `reserved` units promised, or null if it can. */
function stockRefusal(sku: string, reserved: number, stock: number): string | null {
  if (stock >= reserved) return null;
  return (
    `stock of ${sku} cannot be set to ${stock}: ${reserved} unit${reserved === 1 ? ' is' : 's are'} ` +
    'reserved for orders not yet settled'
  );
}

/** The product after the operator's upsert; stock is kept when the request leaves it out. */
function upserted(current: Product, request: UpsertProductRequest): Product {
  return {
    ...current,
    name: request.name,
    unitPrice: request.unitPrice,
    currency: request.currency,
    stock: request.stock ?? current.stock,
  };
}

/** True when the upsert would change nothing visible: no event, no new updatedAt. */
function sameProduct(a: Product, b: Product): boolean {
  return (
    a.sku === b.sku &&
    a.name === b.name &&
    a.unitPrice === b.unitPrice &&
    a.currency === b.currency &&
    a.stock === b.stock &&
    a.reserved === b.reserved
  );
}

import { formatMoney, type Order } from '@microshop/contracts';
import { unreachable } from '@microshop/platform/pure';

/**
 * The order-details rules, checked against this service's own copies of the customers and the
 * catalog: the customer exists; every sku exists; each line's unit price is the catalog price and
 * the order's currency the product's; quantities are positive; the total is Σ quantity × unitPrice.
 * A FAIL names every rule that failed.
 */

/** What the catalog copy says about one sku. */
export interface CatalogEntry {
  sku: string;
  unitPrice: number;
  currency: string;
}

/** What the copies know of an order's customer and skus. */
export interface References {
  customerKnown: boolean;
  /** The catalog entries of the order's skus that are known; a missing key is an unknown sku. */
  products: ReadonlyMap<string, CatalogEntry>;
}

export type CheckedOrder = Pick<Order, 'customerId' | 'items' | 'currency' | 'total' | 'createdAt'>;

export type RuleFailure =
  | { rule: 'UNKNOWN_CUSTOMER'; customerId: string }
  | { rule: 'UNKNOWN_SKU'; skus: string[] }
  | { rule: 'PRICE_MISMATCH'; sku: string; ordered: number; catalog: CatalogEntry; currency: string }
  | { rule: 'CURRENCY_MISMATCH'; sku: string; ordered: string; catalog: string }
  | { rule: 'NON_POSITIVE_QUANTITY'; sku: string; quantity: number }
  | { rule: 'TOTAL_MISMATCH'; total: number; linesSum: bigint; currency: string };

export type DetailsVerdict = { result: 'PASS' } | { result: 'FAIL'; failures: RuleFailure[]; reason: string };

/** The customer or skus the copies do not know (yet): one failure each kind, skus named once. */
export function unknownReferences(order: CheckedOrder, refs: References): RuleFailure[] {
  const failures: RuleFailure[] = [];
  if (!refs.customerKnown) failures.push({ rule: 'UNKNOWN_CUSTOMER', customerId: order.customerId });
  const skus = distinct(order.items.map((item) => item.sku).filter((sku) => !refs.products.has(sku)));
  if (skus.length > 0) failures.push({ rule: 'UNKNOWN_SKU', skus });
  return failures;
}

/** PASS, or FAIL naming every rule that failed: the unknown references first, then lines, then total. */
export function verdictOn(
  order: CheckedOrder,
  refs: References,
  unknown: readonly RuleFailure[],
): DetailsVerdict {
  const failures = [...unknown, ...lineFailures(order, refs), ...totalFailures(order)];
  if (failures.length === 0) return { result: 'PASS' };
  return { result: 'FAIL', failures, reason: reasonOf(failures) };
}

/** Per line: quantity, then price and currency against the catalog (when the sku is known). */
function lineFailures(order: CheckedOrder, refs: References): RuleFailure[] {
  return order.items.flatMap((item): RuleFailure[] => {
    const failures: RuleFailure[] = [];
    if (item.quantity <= 0)
      failures.push({ rule: 'NON_POSITIVE_QUANTITY', sku: item.sku, quantity: item.quantity });
    const catalog = refs.products.get(item.sku);
    if (catalog === undefined) return failures;
    if (item.unitPrice !== catalog.unitPrice) {
      failures.push({
        rule: 'PRICE_MISMATCH',
        sku: item.sku,
        ordered: item.unitPrice,
        catalog,
        currency: order.currency,
      });
    }
    if (order.currency !== catalog.currency) {
      failures.push({
        rule: 'CURRENCY_MISMATCH',
        sku: item.sku,
        ordered: order.currency,
        catalog: catalog.currency,
      });
    }
    return failures;
  });
}

/** Summed as bigint: 100 lines of 10 000 × 10^12 exceed 2^53, and a rounded sum could hide a mismatch. */
function totalFailures(order: CheckedOrder): RuleFailure[] {
  const linesSum = order.items.reduce(
    (sum, item) => sum + BigInt(item.quantity) * BigInt(item.unitPrice),
    0n,
  );
  if (linesSum === BigInt(order.total)) return [];
  return [{ rule: 'TOTAL_MISMATCH', total: order.total, linesSum, currency: order.currency }];
}

/** Every failure in words, one clause each, duplicates (two lines of one sku) said once. */
export function reasonOf(failures: readonly RuleFailure[]): string {
  return distinct(failures.map(describeFailure)).join('; ');
}

export function describeFailure(failure: RuleFailure): string {
  switch (failure.rule) {
    case 'UNKNOWN_CUSTOMER':
      return `unknown customer ${failure.customerId}`;
    case 'UNKNOWN_SKU':
      return `unknown sku ${failure.skus.join(', ')}`;
    case 'PRICE_MISMATCH':
      return `price mismatch for ${failure.sku}: ordered ${formatMoney(failure.ordered, failure.currency)}, catalog ${formatMoney(failure.catalog.unitPrice, failure.catalog.currency)}`;
    case 'CURRENCY_MISMATCH':
      return `currency mismatch for ${failure.sku}: order in ${failure.ordered}, catalog in ${failure.catalog}`;
    case 'NON_POSITIVE_QUANTITY':
      return `non-positive quantity for ${failure.sku}: ${failure.quantity}`;
    case 'TOTAL_MISMATCH':
      return `total mismatch: order total ${formatMoney(failure.total, failure.currency)}, lines add up to ${formatMoney(failure.linesSum, failure.currency)}`;
    default:
      return unreachable(failure);
  }
}

export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

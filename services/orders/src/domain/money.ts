import type { OrderItem } from '@microshop/contracts';

export type TotalResult = { ok: true; total: number } | { ok: false; exact: bigint };

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Σ quantity × unitPrice in integer minor units. Summed as BigInt so no intermediate product loses
 * precision; a total beyond 2^53 − 1 cannot be stored or sent as a JSON number and is refused.
 * Throws RangeError for a non-integer input (the request schema never lets one through).
 */
export function computeTotal(items: readonly Pick<OrderItem, 'quantity' | 'unitPrice'>[]): TotalResult {
  let sum = 0n;
  for (const item of items) sum += BigInt(item.quantity) * BigInt(item.unitPrice);
  return sum <= maxSafe ? { ok: true, total: Number(sum) } : { ok: false, exact: sum };
}

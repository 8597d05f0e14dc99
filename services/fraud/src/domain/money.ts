// Money is integer minor units everywhere; the text of an amount comes from `formatAmount` in contracts.

/** A sum that stops at 2^53 − 1 instead of losing precision: past the limit it is a FAIL anyway. */
export function addSaturating(a: number, b: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, a + b);
}

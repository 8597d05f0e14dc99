// Money is integer minor units everywhere; reasons a person reads show major units ("25.00").

/**
 * Digits after the decimal point of the currency's minor unit (ISO 4217: 2 for EUR, 0 for JPY,
 * 3 for BHD), as the runtime's ICU data knows them; 2 for a code ICU does not know.
 */
export function minorUnitDigits(currency: string): number {
  try {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
    return digits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * `2500` EUR → `"25.00 EUR"`. Takes a bigint too: the sum of an order's lines can pass 2^53 − 1, and
 * a reason must show it exactly. No grouping separators, so the text is the same in every locale.
 */
export function formatMoney(amount: number | bigint, currency: string): string {
  const digits = minorUnitDigits(currency);
  const value = BigInt(amount);
  const sign = value < 0n ? '-' : '';
  const absolute = value < 0n ? -value : value;
  if (digits === 0) return `${sign}${absolute} ${currency}`;
  const scale = 10n ** BigInt(digits);
  const fraction = (absolute % scale).toString().padStart(digits, '0');
  return `${sign}${absolute / scale}.${fraction} ${currency}`;
}

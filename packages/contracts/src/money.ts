// Money is integer minor units everywhere (in every schema and event); text a person reads shows
// major units: "2000.00", "25.00 EUR". One formatter, so every service writes amounts the same way.

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
 * `200000` EUR → `"2000.00"`. Takes a bigint too: a sum of order lines can pass 2^53 − 1, and a
 * reason must show it exactly. No grouping separators, so the text is the same in every locale.
 */
export function formatAmount(amount: number | bigint, currency: string): string {
  const digits = minorUnitDigits(currency);
  const value = BigInt(amount);
  const sign = value < 0n ? '-' : '';
  const absolute = value < 0n ? -value : value;
  if (digits === 0) return `${sign}${absolute}`;
  const scale = 10n ** BigInt(digits);
  const fraction = (absolute % scale).toString().padStart(digits, '0');
  return `${sign}${absolute / scale}.${fraction}`;
}

/** `2500` EUR → `"25.00 EUR"`: the amount in major units, then the currency code. */
export function formatMoney(amount: number | bigint, currency: string): string {
  return `${formatAmount(amount, currency)} ${currency}`;
}

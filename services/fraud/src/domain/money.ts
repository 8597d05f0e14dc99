// Money is integer minor units everywhere; reasons a person reads show major units ("2000.00").

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

/** `200000` EUR → `"2000.00"`: no grouping separators, so the text is the same in every locale. */
export function formatMinor(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const sign = amount < 0 ? '-' : '';
  const absolute = Math.abs(amount);
  if (digits === 0) return `${sign}${absolute}`;
  const scale = 10 ** digits;
  const whole = Math.floor(absolute / scale);
  const fraction = String(absolute % scale).padStart(digits, '0');
  return `${sign}${whole}.${fraction}`;
}

/** A sum that stops at 2^53 − 1 instead of losing precision: past the limit it is a FAIL anyway. */
export function addSaturating(a: number, b: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, a + b);
}

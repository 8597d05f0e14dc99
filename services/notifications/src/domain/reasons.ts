/**
 * Why an order FAILED, in words a customer understands. The order's `reasons` are written for
 * operators (`INVENTORY: insufficient stock: JUMPERS (requested 3, available 1)`, `TIMEOUT`, `card
 * declined: …`); the email says what happened and what the customer can do, and never shows
 * internals such as a fraud rule's limit. Pure.
 */

export const genericReason = 'Something went wrong while we were processing it.';

/** One sentence per distinct reason, in order; a generic sentence when there is none. */
export function reasonsInWords(reasons: readonly string[]): string[] {
  const sentences = [...new Set(reasons.map(reasonInWords))];
  return sentences.length > 0 ? sentences : [genericReason];
}

export function reasonInWords(reason: string): string {
  const text = reason.trim();
  if (/^TIMEOUT\b/i.test(text)) {
    return 'We could not process it in time, so it was stopped.';
  }
  if (/^INVENTORY:/i.test(text)) return stockInWords(text);
  if (/^FRAUD:/i.test(text)) {
    return 'For your security we could not accept it. Please contact us if you think this is a mistake.';
  }
  if (/^ORDER_DETAILS:/i.test(text)) {
    return 'Some of its details no longer matched our catalog (for example, a price had changed). Please place it again.';
  }
  if (/^card declined\b/i.test(text)) {
    return 'Your card was declined. Please try another card or payment method.';
  }
  if (/\bpayment\b/i.test(text)) return 'We could not take the payment for it.';
  if (/^VALIDATION_FAILED\b/i.test(text)) return 'It did not pass our checks.';
  return genericReason;
}

/**
 * `INVENTORY: insufficient stock: JUMPERS (requested 3, available 1), SOCKS (…); unknown sku: HATS`
 * (the inventory service's wording) → which items are short and by how much.
 */
function stockInWords(reason: string): string {
  const short = [...reason.matchAll(/([A-Z0-9_-]+) \(requested (\d+), available (\d+)\)/g)].map(
    ([, sku, requested, available]) => `${sku} (you asked for ${requested}, we have ${available})`,
  );
  const unknown = /unknown skus?: ([A-Z0-9_, -]+)/.exec(reason)?.[1]?.trim();
  const sentences: string[] = [];
  if (short.length > 0) sentences.push(`We do not have enough in stock of ${short.join(', ')}.`);
  if (unknown !== undefined && unknown !== '') sentences.push(`We no longer sell ${unknown}.`);
  return sentences.length > 0 ? sentences.join(' ') : 'Some of its items are out of stock.';
}

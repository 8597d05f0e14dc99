// Personal data in what the console shows (pure): e-mail addresses in record keys, headers and values
// are masked by default — `ann.smith@example.com` → `a•••@example.com` (the first letter and the
// domain stay: enough to tell records apart and spot a test domain, not enough to contact anyone).
// Revealing one record's addresses is a separate, audited request.

const email = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

export function maskText(text: string): string {
  return text.replace(email, (_, first: string, domain: string) => `${first}•••@${domain}`);
}

/** A copy of a JSON value with every text inside masked (keys of objects stay as they are). */
export function maskJson(value: unknown): unknown {
  if (typeof value === 'string') return maskText(value);
  if (Array.isArray(value)) return value.map(maskJson);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, maskJson(inner)]));
  return value;
}

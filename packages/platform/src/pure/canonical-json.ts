import { createHash } from 'node:crypto';

/**
 * "The same request" for idempotency keys: JSON with object keys sorted at every depth, so two bodies
 * that differ only in key order (or whitespace) serialise identically. Array order is kept: it is
 * meaningful (order lines). Throws TypeError for anything JSON cannot represent exactly (bigint, NaN,
 * Infinity, functions), so two different values can never share a fingerprint.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot fingerprint the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw new TypeError(`cannot fingerprint a value of type ${typeof value}`);
}

/** sha256 (hex) of the canonical JSON of `value`: what is stored next to an idempotency key. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

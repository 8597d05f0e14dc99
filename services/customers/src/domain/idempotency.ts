import { createHash } from 'node:crypto';

// "Same Idempotency-Key, same body → the same customer; same key, another body → 422", decided on a
// fingerprint of the parsed request so only a short hash is stored next to the key.

/** JSON with object keys sorted at every depth: bodies differing only in key order are the same request. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 (hex) of the canonical JSON of the parsed request. */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export const idempotencyKeyHeader = 'Idempotency-Key';
const keyPattern = /^[\x21-\x7e]{1,255}$/;

export type ParsedKey = { ok: true; key: string | null } | { ok: false; message: string };

/** The header's value: absent → null; otherwise 1–255 visible ASCII characters. */
export function parseIdempotencyKey(raw: unknown): ParsedKey {
  if (raw === undefined) return { ok: true, key: null };
  if (typeof raw === 'string' && keyPattern.test(raw)) return { ok: true, key: raw };
  return { ok: false, message: `${idempotencyKeyHeader} must be 1 to 255 visible ASCII characters` };
}

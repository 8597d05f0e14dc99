import { createHash } from 'node:crypto';
import type { Parsed } from './errors.ts';

// "Same Idempotency-Key, same body → the same order; same key, another body → 422", decided on a
// fingerprint of the request so only a short hash needs storing next to the key.

/**
 * JSON with object keys sorted at every depth, so two bodies that differ only in key order (or in
 * whitespace) serialise identically. Array order is kept: it is meaningful (order lines).
 * Throws TypeError for anything JSON cannot represent exactly (bigint, NaN, functions, undefined).
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
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`cannot fingerprint a value of type ${typeof value}`);
}

/** sha256 (hex) of the canonical JSON of `body`; pass the parsed request, not the raw bytes. */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export type IdempotentComparison = 'replay' | 'mismatch';

/** `replay`: answer with the order already created for the key; `mismatch`: 422. */
export function compareIdempotentRequest(
  storedFingerprint: string,
  incomingFingerprint: string,
): IdempotentComparison {
  return storedFingerprint === incomingFingerprint ? 'replay' : 'mismatch';
}

export const idempotencyKeyHeader = 'Idempotency-Key';
const keyPattern = /^[\x21-\x7e]{1,255}$/;

/** The header's value: absent → null; otherwise 1–255 visible ASCII characters. */
export function parseIdempotencyKey(raw: unknown): Parsed<string | null> {
  if (raw === undefined) return { ok: true, value: null };
  if (typeof raw === 'string' && keyPattern.test(raw)) return { ok: true, value: raw };
  return {
    ok: false,
    error: {
      field: idempotencyKeyHeader,
      rule: 'pattern',
      message: `${idempotencyKeyHeader} must be 1 to 255 visible ASCII characters`,
    },
  };
}

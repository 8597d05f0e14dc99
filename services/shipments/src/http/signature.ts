import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks the carrier's webhook signature: header `X-Carrier-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, "<t>.<raw body>")>`. The time is part of what is signed, and a signature older
 * (or newer) than `toleranceSeconds` is refused, so a recorded callback cannot be replayed later.
 */

export const signatureHeader = 'x-carrier-signature';

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function verifySignature(
  secret: string,
  header: string | undefined,
  rawBody: string,
  now: Date,
  toleranceSeconds: number,
): SignatureCheck {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (match?.[1] === undefined || match[2] === undefined)
    return { ok: false, reason: 'is missing or malformed' };
  const t = Number(match[1]);
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return { ok: false, reason: 'is too old' };
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(match[2], 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'does not match the body' };
}

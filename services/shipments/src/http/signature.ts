import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks the carrier's webhook signature: header `X-Carrier-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, "<t>.<raw body>")>`. The time is part of what is signed, and a signature older
 * (or newer) than `toleranceSeconds` is refused, so a recorded callback cannot be replayed later;
 * within that window the caller refuses a signature it has seen before (`replayKey`). Any of the
 * configured secrets may have signed (two while one is rotated); with none, nothing is accepted.
 */

export const signatureHeader = 'x-carrier-signature';

export type SignatureCheck = { ok: true; replayKey: string } | { ok: false; reason: string };

export function verifySignature(
  secrets: readonly string[],
  header: string | undefined,
  rawBody: string,
  now: Date,
  toleranceSeconds: number,
): SignatureCheck {
  if (secrets.length === 0)
    return { ok: false, reason: 'cannot be checked: no webhook secret is configured' };
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (match?.[1] === undefined || match[2] === undefined)
    return { ok: false, reason: 'is missing or malformed' };
  const t = Number(match[1]);
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return { ok: false, reason: 'is too old' };
  const given = Buffer.from(match[2], 'hex');
  const signedBy = (secret: string) =>
    timingSafeEqual(createHmac('sha256', secret).update(`${t}.${rawBody}`).digest(), given);
  // Every secret is tried, so the time taken does not tell which one matched.
  const matches = secrets.map(signedBy);
  if (!matches.includes(true)) return { ok: false, reason: 'does not match the body' };
  return { ok: true, replayKey: `${t}:${match[2]}` };
}

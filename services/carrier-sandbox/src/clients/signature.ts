import { createHmac } from 'node:crypto';

/**
 * The webhook signature, in the scheme payment providers made common: header
 * `X-Carrier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The time is
 * signed too, so a receiver can refuse an old request replayed by someone who recorded it.
 */

export const signatureHeader = 'x-carrier-signature';

export function signatureOf(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

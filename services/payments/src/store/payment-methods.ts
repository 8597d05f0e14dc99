import type { Pool, PoolClient } from '@microshop/platform';
import type { TokenCipher } from './token-cipher.ts';

// Card tokens, encrypted, under their payment references (migrations/003_payment_methods.sql).

type Queryable = Pick<Pool, 'query'> | PoolClient;

export interface Registration {
  /** The principal that handed the token over. */
  subject: string;
  token: string;
}

/**
 * Keeps the token (sealed) under its reference and answers the reference. Registering the same
 * card again re-seals it and restarts its grace period; the reference stays the same.
 */
export async function registerMethod(
  db: Queryable,
  cipher: TokenCipher,
  registration: Registration,
  at: Date,
): Promise<string> {
  const reference = cipher.referenceOf(registration.subject, registration.token);
  const sealed = cipher.seal(registration.token, reference);
  await db.query(
    `INSERT INTO payment_methods (reference, subject, key_id, iv, auth_tag, ciphertext, registered_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (reference) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv,
       auth_tag = excluded.auth_tag, ciphertext = excluded.ciphertext,
       registered_at = greatest(payment_methods.registered_at, excluded.registered_at)`,
    [reference, registration.subject, sealed.keyId, sealed.iv, sealed.tag, sealed.ciphertext, at],
  );
  return reference;
}

/** The token behind `reference`; null when none is kept (never registered, or already forgotten). */
export async function revealToken(
  db: Queryable,
  cipher: TokenCipher,
  reference: string,
): Promise<string | null> {
  const result = await db.query<{ key_id: string; iv: Buffer; auth_tag: Buffer; ciphertext: Buffer }>(
    'SELECT key_id, iv, auth_tag, ciphertext FROM payment_methods WHERE reference = $1',
    [reference],
  );
  const row = result.rows[0];
  if (row === undefined) return null;
  return cipher.open(
    { keyId: row.key_id, iv: row.iv, tag: row.auth_tag, ciphertext: row.ciphertext },
    reference,
  );
}

/**
 * Deletes the tokens no charge needs any more: registered before `registeredBefore` (the grace
 * period that covers orders payments has not heard of yet) and with no order still waiting for a
 * charge (every order using it charged — or refused — or ended). Only `references` when given.
 */
export async function forgetSettledMethods(
  db: Queryable,
  options: { registeredBefore: Date; references?: readonly string[] },
): Promise<number> {
  const result = await db.query(
    `DELETE FROM payment_methods m
      WHERE m.registered_at < $1
        AND ($2::text[] IS NULL OR m.reference = ANY($2::text[]))
        AND NOT EXISTS (
          SELECT 1 FROM payment_orders o
           WHERE o.payment_reference = m.reference AND o.ended_status IS NULL
             AND NOT EXISTS (SELECT 1 FROM charges c WHERE c.order_id = o.order_id))`,
    [options.registeredBefore, options.references === undefined ? null : [...options.references]],
  );
  return result.rowCount ?? 0;
}

/**
 * Tokens an earlier version kept in clear in payment_orders (orders still waiting for their charge;
 * migration 002 dropped the others) are sealed under a reference of the order's customer, and the
 * clear column emptied, in one transaction. Returns how many were sealed.
 */
export async function sealLegacyTokens(client: PoolClient, cipher: TokenCipher, at: Date): Promise<number> {
  const legacy = await client.query<{ order_id: string; customer_id: string | null; token: string }>(
    'SELECT order_id, customer_id, token FROM payment_orders WHERE token IS NOT NULL FOR UPDATE',
  );
  for (const row of legacy.rows) {
    const subject = row.customer_id ?? 'legacy';
    const reference = await registerMethod(client, cipher, { subject, token: row.token }, at);
    await client.query(
      'UPDATE payment_orders SET payment_reference = $2, token = NULL, updated_at = $3 WHERE order_id = $1',
      [row.order_id, reference, at],
    );
  }
  return legacy.rowCount ?? 0;
}

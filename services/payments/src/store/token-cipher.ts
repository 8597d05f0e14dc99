import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Card tokens at rest: AES-256-GCM with a key from config, the row's payment reference as the
 * additional data (a ciphertext copied onto another row does not open). Several keys may be
 * configured while one is rotated: the first seals, any opens (each sealed token names its key).
 * The reference other services see is an HMAC of the caller's subject and the token, so the same
 * caller with the same card always gets the same reference, and the reference reveals nothing.
 */

export interface SealedToken {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export interface TokenCipher {
  /** `pm_…`: the same for the same subject and token, under the same current key. */
  referenceOf(subject: string, token: string): string;
  seal(token: string, reference: string): SealedToken;
  /** The token, or null when no configured key sealed it (a key retired too early). */
  open(sealed: SealedToken, reference: string): string | null;
}

const keyBytes = 32;

/** A key as config gives it: 32 bytes, base64 (standard or URL-safe). */
export function parseTokenKey(text: string): Buffer | null {
  const key = Buffer.from(text.trim(), 'base64');
  return key.length === keyBytes ? key : null;
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export function createTokenCipher(keys: readonly Buffer[]): TokenCipher {
  const [current] = keys;
  if (current === undefined) throw new Error('the token cipher needs at least one key');
  const byId = new Map(keys.map((key) => [keyIdOf(key), key]));
  const referenceKey = createHmac('sha256', current).update('microshop payment reference').digest();
  return {
    referenceOf(subject, token) {
      const mac = createHmac('sha256', referenceKey).update(`${subject}\u0000${token}`).digest();
      return `pm_${mac.toString('base64url').slice(0, 32)}`;
    },
    seal(token, reference) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(reference));
      const ciphertext = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
      return { keyId: keyIdOf(current), iv, tag: cipher.getAuthTag(), ciphertext };
    },
    open(sealed, reference) {
      const key = byId.get(sealed.keyId);
      if (key === undefined) return null;
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
      decipher.setAAD(Buffer.from(reference));
      decipher.setAuthTag(sealed.tag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
    },
  };
}

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes: scrypt (memory-hard, in node:crypto), a random 16-byte salt per password, stored
 * as `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` so a hash made with older parameters still verifies
 * after they change (and is replaced at the next sign-in). Comparisons are constant-time.
 */

export interface ScryptParameters {
  log2N: number;
  r: number;
  p: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Whether `password` is the one `stored` was made from; false for a malformed hash. */
  verify(password: string, stored: string): Promise<boolean>;
  /**
   * As much work as verifying against a real hash, for an account that is not there: an unknown
   * email costs what a wrong password costs, so time tells nothing about which emails exist.
   */
  verifyNothing(password: string): Promise<false>;
  /** Whether `stored` was made with other parameters than the current ones. */
  isOutdated(stored: string): boolean;
}

const keyLength = 32;
const saltLength = 16;

export async function createPasswordHasher(parameters: ScryptParameters): Promise<PasswordHasher> {
  const hash = async (password: string) => {
    const salt = randomBytes(saltLength);
    const derived = await derive(password, salt, parameters);
    return ['scrypt', parameters.log2N, parameters.r, parameters.p, b64(salt), b64(derived)].join('$');
  };
  const verify = async (password: string, stored: string) => {
    const parsed = parseHash(stored);
    if (parsed === null) return false;
    const derived = await derive(password, parsed.salt, parsed.parameters);
    return derived.length === parsed.hash.length && timingSafeEqual(derived, parsed.hash);
  };
  // A hash of a password nobody knows, made once: verifying against it is a real verification.
  const dummy = await hash(randomBytes(24).toString('base64url'));
  return {
    hash,
    verify,
    verifyNothing: async (password) => {
      await verify(password, dummy);
      return false;
    },
    isOutdated: (stored) => {
      const parsed = parseHash(stored)?.parameters;
      return parsed?.log2N !== parameters.log2N || parsed.r !== parameters.r || parsed.p !== parameters.p;
    },
  };
}

function derive(password: string, salt: Buffer, { log2N, r, p }: ScryptParameters): Promise<Buffer> {
  const N = 2 ** log2N;
  // scrypt needs about 128·N·r bytes; Node refuses more than `maxmem`, so allow twice that.
  const maxmem = 256 * N * r * p;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

interface ParsedHash {
  parameters: ScryptParameters;
  salt: Buffer;
  hash: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const [scheme, log2N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return null;
  const parameters = { log2N: Number(log2N), r: Number(r), p: Number(p) };
  if (!Object.values(parameters).every((value) => Number.isInteger(value) && value > 0)) return null;
  if (parameters.log2N > 22) return null;
  return { parameters, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

function b64(buffer: Buffer): string {
  return buffer.toString('base64url');
}

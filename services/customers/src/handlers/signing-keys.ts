import { randomUUID } from 'node:crypto';
import { type Pool, type TokenVerifier, verifierWithKeys, withTransaction } from '@microshop/platform';
import {
  type CryptoKey,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import { type AccountIdentity, publishedKeyCount, rolesOf, rotationDue } from '../domain/identity.ts';
import {
  insertSigningKey,
  keepNewestSigningKeys,
  lockSigningKeys,
  newestSigningKeys,
  type SigningKeyRow,
} from '../store/signing-keys.ts';

/**
 * The keys that sign access tokens, kept in the service's schema so every instance signs and
 * verifies alike. The newest key signs; the newest two are published and verify. A rotation (due by
 * age, or forced) adds a key; instances learn of it on their next `reload` (a periodic task) or at
 * once when a token names a key they do not hold yet.
 */

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTokenTtlS: number;
}

export interface KeyRing {
  /** A signed access token for the account, and how many seconds it is valid. */
  sign(account: AccountIdentity): Promise<{ accessToken: string; expiresIn: number }>;
  /** Verifies this service's own tokens with the keys in its schema. */
  verify: TokenVerifier;
  /** The published public keys, read afresh (a rotation by another instance shows at once). */
  jwks(): Promise<{ keys: JWK[] }>;
  /** Reads the keys again: the newest signs from now on. */
  reload(): Promise<void>;
}

interface LoadedKeys {
  signing: { kid: string; key: CryptoKey };
  verifying: JWTVerifyGetKey;
  loadedAt: number;
}

/** Opens the ring on the schema's keys, making the first key if there is none. */
export async function openKeyRing(pool: Pool, settings: TokenSettings): Promise<KeyRing> {
  await rotateSigningKey(pool, { onlyIfOlderThanMs: Number.POSITIVE_INFINITY });
  let loaded = await loadKeys(pool);
  const reload = async () => {
    loaded = await loadKeys(pool);
  };
  return {
    sign: (account) => signAccessToken(loaded.signing, account, settings),
    verify: verifierWithKeys(
      reloadingOnUnknownKey(() => loaded, reload),
      settings,
    ),
    jwks: async () => ({ keys: publicJwks(await newestSigningKeys(pool, publishedKeyCount)) }),
    reload,
  };
}

/**
 * Adds a signing key unless the newest is younger than `onlyIfOlderThanMs` (default: always);
 * `dropPrevious` also unpublishes every older key at once (a key suspected leaked). Returns whether
 * a key was added.
 */
export async function rotateSigningKey(
  pool: Pool,
  options: { onlyIfOlderThanMs?: number; dropPrevious?: boolean; now?: Date } = {},
): Promise<boolean> {
  const now = options.now ?? new Date();
  return withTransaction(pool, async (client) => {
    await lockSigningKeys(client);
    const [newest] = await newestSigningKeys(client, 1);
    if (newest && !rotationDue(newest.createdAt, now, options.onlyIfOlderThanMs ?? 0)) return false;
    await insertSigningKey(client, await newKeyPair(now));
    await keepNewestSigningKeys(client, options.dropPrevious ? 1 : publishedKeyCount);
    return true;
  });
}

async function newKeyPair(now: Date): Promise<SigningKeyRow> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, privateJwk: { ...(await exportJWK(privateKey)), kid }, publicJwk, createdAt: now };
}

async function loadKeys(pool: Pool): Promise<LoadedKeys> {
  const rows = await newestSigningKeys(pool, publishedKeyCount);
  const [newest] = rows;
  if (newest === undefined) throw new Error('no signing key: openKeyRing makes the first one');
  const key = (await importJWK(newest.privateJwk, 'ES256')) as CryptoKey;
  return {
    signing: { kid: newest.kid, key },
    verifying: createLocalJWKSet({ keys: publicJwks(rows) }),
    loadedAt: Date.now(),
  };
}

function publicJwks(rows: readonly SigningKeyRow[]): JWK[] {
  return rows.map((row) => row.publicJwk);
}

/** At most one reload every 5 s, however many tokens with unknown key ids arrive. */
const reloadCooldownMs = 5_000;

function reloadingOnUnknownKey(current: () => LoadedKeys, reload: () => Promise<void>): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await current().verifying(header, token);
    } catch (error) {
      const unknownKey = (error as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY';
      if (!unknownKey || Date.now() - current().loadedAt < reloadCooldownMs) throw error;
      // An error without a code: the kit answers 503 (keys unavailable), not 401.
      await reload().catch((cause) => {
        throw new Error('the signing keys could not be read', { cause });
      });
      return current().verifying(header, token);
    }
  };
}

async function signAccessToken(
  signing: LoadedKeys['signing'],
  account: AccountIdentity,
  settings: TokenSettings,
): Promise<{ accessToken: string; expiresIn: number }> {
  const accessToken = await new SignJWT({ roles: rolesOf(account) })
    .setProtectedHeader({ alg: 'ES256', kid: signing.kid, typ: 'at+jwt' })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(account.id)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${settings.accessTokenTtlS}s`)
    .sign(signing.key);
  return { accessToken, expiresIn: settings.accessTokenTtlS };
}

import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { type Principal, type Role, type TokenVerifier, verifierWithKeys } from '../auth/principal.ts';

/**
 * A token issuer of a test's own: its key pair, a verifier that trusts it, and tokens for any
 * principal, so a service's routes are tested with real signed tokens and no identity service.
 */
export interface TestIssuer {
  issuer: string;
  audience: string;
  verify: TokenVerifier;
  /** The public keys, as a JWKS document. */
  jwks: { keys: JWK[] };
  /** A signed access token for `principal` (default: valid for 5 minutes). */
  tokenFor(
    principal: Partial<Principal> & { roles: readonly Role[] },
    options?: { expiresInS?: number },
  ): Promise<string>;
  /** `{ authorization: 'Bearer …' }` for a new customer (or the given subject), ready for `inject`. */
  customer(subject?: string): Promise<{ subject: string; headers: { authorization: string } }>;
  operator(subject?: string): Promise<{ subject: string; headers: { authorization: string } }>;
}

export async function createTestIssuer(
  options: { issuer?: string; audience?: string } = {},
): Promise<TestIssuer> {
  const issuer = options.issuer ?? 'microshop-test';
  const audience = options.audience ?? 'microshop-api';
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const kid = randomUUID();
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] };
  const tokenFor: TestIssuer['tokenFor'] = (principal, { expiresInS = 300 } = {}) =>
    new SignJWT({ roles: [...principal.roles] })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject(principal.subject ?? randomUUID())
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInS)
      .sign(privateKey);
  const as =
    (role: Role) =>
    async (subject: string = randomUUID()) => ({
      subject,
      headers: { authorization: `Bearer ${await tokenFor({ subject, roles: [role] })}` },
    });
  return {
    issuer,
    audience,
    verify: verifierWithKeys(createLocalJWKSet(jwks), { issuer, audience }),
    jwks,
    tokenFor,
    customer: as('customer'),
    operator: as('operator'),
  };
}

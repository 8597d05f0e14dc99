import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { type Principal, type Role, type TokenVerifier, verifierWithKeys } from '../auth/principal.ts';
import type { CleanupRegistrar } from './schema.ts';

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
  /**
   * A signed access token for `principal` (default: valid for 5 minutes); `claims` are added as
   * given (an outside issuer's own shape of the roles, say).
   */
  tokenFor(
    principal: Partial<Principal> & { roles: readonly Role[] },
    options?: { expiresInS?: number; claims?: Record<string, unknown> },
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
  const tokenFor: TestIssuer['tokenFor'] = (principal, { expiresInS = 300, claims = {} } = {}) =>
    new SignJWT({ roles: [...principal.roles], ...claims })
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

/**
 * Serves the issuer's key set over HTTP until the test ends, so a service run as its own process
 * trusts the issuer's tokens: the environment it returns names the issuer, its audience and the URL.
 */
export async function serveIssuer(
  issuer: TestIssuer,
  t: CleanupRegistrar,
): Promise<{ jwksUrl: string; env: Record<string, string> }> {
  const server = createServer((request, response) => {
    const found = request.url === '/jwks.json';
    response.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    response.end(found ? JSON.stringify(issuer.jwks) : '{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const jwksUrl = `http://127.0.0.1:${port}/jwks.json`;
  return {
    jwksUrl,
    env: { AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: issuer.audience, AUTH_JWKS_URL: jwksUrl },
  };
}

/** What a service's HTTP tests share: an issuer, the `access` the app is built with, an operator's headers. */
export interface TestAccess {
  issuer: TestIssuer;
  access: { verify: TokenVerifier };
  asOperator: { authorization: string };
}

export async function testAccess(): Promise<TestAccess> {
  const issuer = await createTestIssuer();
  return { issuer, access: { verify: issuer.verify }, asOperator: (await issuer.operator()).headers };
}

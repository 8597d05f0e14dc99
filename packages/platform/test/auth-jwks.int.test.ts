import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTokenVerifier } from '../src/auth/principal.ts';
import { AppError } from '../src/errors.ts';
import { createTestIssuer, freePort, serveIssuer } from '../src/testing/index.ts';

// The verifier every service builds from its config: keys fetched from the issuer's JWKS over HTTP,
// from the first of several addresses that answers.

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    return error.code;
  }
  assert.fail('expected the verification to fail');
}

describe('a verifier fetching the issuer key set', () => {
  test('skips an address where nothing answers and verifies with the next one', async (t) => {
    const issuer = await createTestIssuer();
    const { jwksUrl } = await serveIssuer(issuer, t);
    const dead = `http://127.0.0.1:${await freePort()}/jwks.json`;
    const verify = createTokenVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUrl: [dead, jwksUrl],
    });

    const token = await issuer.tokenFor({ subject: 'someone', roles: ['customer'] });
    assert.deepEqual(await verify(token), { subject: 'someone', roles: ['customer'] });
  });

  test('answers 503 when no address hands over keys, and 401 for a token of another audience', async (t) => {
    const issuer = await createTestIssuer();
    const { jwksUrl } = await serveIssuer(issuer, t);
    const token = await issuer.tokenFor({ roles: ['customer'] });
    const nowhere = createTokenVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUrl: [`http://127.0.0.1:${await freePort()}/jwks.json`, jwksUrl.replace('jwks.json', 'missing')],
    });
    assert.equal(await codeOf(nowhere(token)), 'UPSTREAM_UNAVAILABLE');

    const elsewhere = createTokenVerifier({ issuer: issuer.issuer, audience: 'another-api', jwksUrl });
    assert.equal(await codeOf(elsewhere(token)), 'UNAUTHENTICATED');
  });

  test('reads roles from a nested claim when the issuer nests them', async (t) => {
    const issuer = await createTestIssuer();
    const { jwksUrl } = await serveIssuer(issuer, t);
    const verify = createTokenVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUrl,
      rolesClaim: 'realm_access.roles',
    });
    const nested = await issuer.tokenFor(
      { subject: 'op', roles: [] },
      { claims: { realm_access: { roles: ['operator', 'offline_access'] } } },
    );
    assert.deepEqual(await verify(nested), { subject: 'op', roles: ['operator'] });
    const flat = await issuer.tokenFor({ subject: 'op', roles: ['operator'] });
    assert.deepEqual(await verify(flat), { subject: 'op', roles: [] });
  });
});

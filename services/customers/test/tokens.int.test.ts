import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { problemDetailsSchema } from '@microshop/platform';
import { importJWK, SignJWT } from 'jose';
import { rotateSigningKey } from '../src/handlers/signing-keys.ts';
import { newestSigningKeys } from '../src/store/signing-keys.ts';
import { httpApp, migratedSchema, uniqueEmail } from './harness.ts';

// Refresh tokens (rotated, reuse revokes the family, sign-out), access tokens that expired, and the
// signing keys' rotation, on a real PostgreSQL.

const db = await migratedSchema('customers_tokens');
const { app, identity } = await httpApp(db);
after(() => app.close());

function post(path: string, payload?: object, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: `/api/v1/auth/${path}`,
    ...(payload ? { payload } : {}),
    headers,
  });
}

async function signedUp() {
  const email = uniqueEmail('rita');
  const response = await post('register', { name: 'Rita', email, password: 'refresh me please' });
  assert.equal(response.statusCode, 201, response.body);
  const body = response.json();
  return { id: body.customer.id as string, accessToken: body.accessToken, refreshToken: body.refreshToken };
}

/** GET the customer's own record with a token: what a token is still good for. */
async function readOwn(id: string, accessToken: string) {
  const response = await app.inject({
    method: 'GET',
    url: `/api/v1/customers/${id}`,
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return response;
}

const refresh = (refreshToken: string) => post('refresh', { refreshToken });

describe('refresh tokens', () => {
  test('a refresh answers new tokens, and the refresh token it used is used up', async () => {
    const session = await signedUp();
    const renewed = await refresh(session.refreshToken);

    assert.equal(renewed.statusCode, 200, renewed.body);
    assert.notEqual(renewed.json().refreshToken, session.refreshToken);
    assert.equal((await readOwn(session.id, renewed.json().accessToken)).statusCode, 200);
    assert.equal((await refresh(renewed.json().refreshToken)).statusCode, 200);
  });

  test('a used refresh token shown again is refused and revokes every token of its family', async () => {
    const session = await signedUp();
    const renewed = (await refresh(session.refreshToken)).json();

    const replayed = await refresh(session.refreshToken);
    assert.equal(replayed.statusCode, 401);
    assert.equal(problemDetailsSchema.parse(replayed.json()).code, 'UNAUTHENTICATED');
    assert.equal((await refresh(renewed.refreshToken)).statusCode, 401);
  });

  test('an unknown refresh token is a 401', async () => {
    assert.equal((await refresh('no-such-token')).statusCode, 401);
  });

  test('sign-out needs an access token and ends the session of the refresh token given', async () => {
    const session = await signedUp();
    const other = (
      await post('sign-in', { email: await emailOf(session.id), password: 'refresh me please' })
    ).json();
    const bearer = { authorization: `Bearer ${session.accessToken}` };

    assert.equal((await post('sign-out', { refreshToken: session.refreshToken })).statusCode, 401);
    assert.equal((await post('sign-out', { refreshToken: session.refreshToken }, bearer)).statusCode, 204);
    assert.equal((await refresh(session.refreshToken)).statusCode, 401);
    assert.equal((await refresh(other.refreshToken)).statusCode, 200, 'another session lives on');
  });

  test("sign-out without a refresh token ends every session of the caller, and another's token is left alone", async () => {
    const session = await signedUp();
    const stranger = await signedUp();
    const bearer = { authorization: `Bearer ${session.accessToken}` };

    assert.equal((await post('sign-out', { refreshToken: stranger.refreshToken }, bearer)).statusCode, 204);
    assert.equal((await refresh(stranger.refreshToken)).statusCode, 200);
    assert.equal((await post('sign-out', undefined, bearer)).statusCode, 204);
    assert.equal((await refresh(session.refreshToken)).statusCode, 401);
  });
});

describe('access tokens and signing keys', () => {
  test('an expired access token, or one signed by another key, is a 401 problem', async () => {
    const session = await signedUp();
    const [current] = await newestSigningKeys(db.pool, 1);
    assert.ok(current);
    const key = await importJWK(current.privateJwk, 'ES256');
    const expired = await new SignJWT({ roles: ['customer'] })
      .setProtectedHeader({ alg: 'ES256', kid: current.kid })
      .setIssuer('microshop')
      .setAudience('microshop-api')
      .setSubject(session.id)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);

    const answer = await readOwn(session.id, expired);
    assert.equal(answer.statusCode, 401);
    assert.match(String(answer.headers['content-type']), /^application\/problem\+json/);
    assert.equal(problemDetailsSchema.parse(answer.json()).code, 'UNAUTHENTICATED');
    const forged = `${session.accessToken.slice(0, -4)}AAAA`;
    assert.equal((await readOwn(session.id, forged)).statusCode, 401);
  });

  test('after a rotation both keys are published and old tokens verify; dropping the previous key ends them', async () => {
    const session = await signedUp();
    assert.equal(await rotateSigningKey(db.pool), true);
    await identity.deps.keys.reload();

    const jwks = (await app.inject({ method: 'GET', url: '/api/v1/auth/jwks.json' })).json();
    assert.equal(jwks.keys.length, 2);
    assert.equal((await readOwn(session.id, session.accessToken)).statusCode, 200);
    const fresh = (await refresh(session.refreshToken)).json();

    await rotateSigningKey(db.pool, { dropPrevious: true });
    await identity.deps.keys.reload();
    assert.equal((await readOwn(session.id, session.accessToken)).statusCode, 401);
    assert.equal((await readOwn(session.id, fresh.accessToken)).statusCode, 401);
  });

  test('a rotation is due only once the newest key is old enough', async () => {
    assert.equal(await rotateSigningKey(db.pool, { onlyIfOlderThanMs: 3_600_000 }), false);
    const later = new Date(Date.now() + 2 * 3_600_000);
    assert.equal(await rotateSigningKey(db.pool, { onlyIfOlderThanMs: 3_600_000, now: later }), true);
  });
});

async function emailOf(id: string): Promise<string> {
  const result = await db.pool.query('SELECT email FROM accounts WHERE id = $1', [id]);
  return result.rows[0]?.email ?? randomUUID();
}

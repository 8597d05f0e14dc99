import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { customerSchema } from '@microshop/contracts';
import { problemDetailsSchema } from '@microshop/platform';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { devOperator } from '../src/config.ts';
import type { PasswordHasher } from '../src/handlers/passwords.ts';
import { httpApp, migratedSchema, uniqueEmail } from './harness.ts';

// Sign-up and sign-in over HTTP on a real PostgreSQL: what the answers say, and that they say
// nothing about which emails have accounts.

const db = await migratedSchema('customers_sign_in');
const { app, identity } = await httpApp(db);
after(() => app.close());

type Injected = Awaited<ReturnType<typeof app.inject>>;

function post(path: string, payload: object, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: `/api/v1/auth/${path}`, payload, headers });
}

async function registered(password = 'correct horse battery') {
  const email = uniqueEmail('ada');
  const response = await post('register', { name: 'Ada', email, password });
  assert.equal(response.statusCode, 201, response.body);
  return { email, password, body: response.json() };
}

/** Verifies an access token against the service's published JWKS, as any other service does. */
async function claimsOf(accessToken: string) {
  const jwks = (await app.inject({ method: 'GET', url: '/api/v1/auth/jwks.json' })).json();
  const { payload } = await jwtVerify(accessToken, createLocalJWKSet(jwks), {
    issuer: 'microshop',
    audience: 'microshop-api',
  });
  return payload;
}

function problemOf(response: Injected) {
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/, response.body);
  return problemDetailsSchema.parse(response.json());
}

describe('POST /api/v1/auth/register', () => {
  test('makes a bronze customer and signs it in: an access token for its id, a refresh token', async () => {
    const { email, body } = await registered();

    const customer = customerSchema.parse(body.customer);
    assert.deepEqual([customer.email, customer.level], [email, 'bronze']);
    assert.equal(body.tokenType, 'Bearer');
    assert.equal(body.expiresIn, 600);
    assert.equal(typeof body.refreshToken, 'string');
    const claims = await claimsOf(body.accessToken);
    assert.equal(claims.sub, customer.id);
    assert.deepEqual(claims.roles, ['customer']);
    assert.ok(claims.exp !== undefined && claims.iat !== undefined && claims.exp - claims.iat === 600);
    assert.equal(typeof decodeProtectedHeader(body.accessToken).kid, 'string');
  });

  test('a level sent with the registration is ignored: a new customer is bronze', async () => {
    const response = await post('register', {
      name: 'Pat',
      email: uniqueEmail('pat'),
      password: 'a long password',
      level: 'platinum',
    });
    assert.equal(response.statusCode, 201);
    assert.equal(response.json().customer.level, 'bronze');
  });

  test('the same email and password again answer the same customer; another password makes another', async () => {
    const first = await registered();
    const again = await post('register', {
      name: 'Ada',
      email: first.email.toUpperCase(),
      password: first.password,
    });
    const other = await post('register', { name: 'Ada', email: first.email, password: 'another password' });

    assert.deepEqual([again.statusCode, other.statusCode], [201, 201]);
    assert.equal(again.json().customer.id, first.body.customer.id);
    assert.notEqual(other.json().customer.id, first.body.customer.id);
  });

  test('two registrations of one email and password at once make one customer', async () => {
    const email = uniqueEmail('twice');
    const body = { name: 'Twice', email, password: 'one password only' };
    const answers = await Promise.all([post('register', body), post('register', body)]);

    assert.deepEqual(
      answers.map((answer) => answer.statusCode),
      [201, 201],
    );
    assert.equal(answers[0]?.json().customer.id, answers[1]?.json().customer.id);
  });

  test('a short password or a malformed email is a 400 naming the field', async () => {
    const short = await post('register', { name: 'Al', email: uniqueEmail(), password: 'short' });
    const malformed = await post('register', { name: 'Al', email: 'nope', password: 'long enough' });
    assert.deepEqual(
      [short, malformed].map((answer) => problemOf(answer).errors.map((error) => error.field)),
      [['password'], ['email']],
    );
  });
});

describe('POST /api/v1/auth/sign-in', () => {
  test('the right password gets tokens for the account; the operator account of the environment signs in as an operator', async () => {
    const { email, password, body } = await registered();
    const customer = await post('sign-in', { email, password });
    const operator = await post('sign-in', devOperator);

    assert.equal(customer.statusCode, 200, customer.body);
    assert.equal((await claimsOf(customer.json().accessToken)).sub, body.customer.id);
    assert.equal(operator.statusCode, 200, operator.body);
    assert.deepEqual((await claimsOf(operator.json().accessToken)).roles, ['operator']);
  });

  test('an unknown email and a wrong password get the same 401 problem, after the same number of password checks', async () => {
    const { email } = await registered();
    const checks = countChecks(identity.deps.passwords);
    const requestId = { 'x-request-id': 'same-request' };

    const wrong = await post('sign-in', { email, password: 'not the password' }, requestId);
    const wrongChecks = checks.take();
    const unknown = await post('sign-in', { email: uniqueEmail('nobody'), password: 'any' }, requestId);
    const unknownChecks = checks.take();

    assert.deepEqual([wrong.statusCode, unknown.statusCode], [401, 401]);
    assert.equal(unknown.body, wrong.body);
    assert.equal(problemOf(wrong).code, 'UNAUTHENTICATED');
    assert.equal(wrong.headers['www-authenticate'], unknown.headers['www-authenticate']);
    assert.equal(wrongChecks, 5);
    assert.equal(unknownChecks, 5);
    checks.restore();
  });
});

/** Counts the password checks (real and dummy) the hasher does. */
function countChecks(hasher: PasswordHasher) {
  const { verify, verifyNothing } = hasher;
  let count = 0;
  hasher.verify = (password, stored) => {
    count++;
    return verify(password, stored);
  };
  hasher.verifyNothing = (password) => {
    count++;
    return verifyNothing(password);
  };
  return {
    take: () => {
      const taken = count;
      count = 0;
      return taken;
    },
    restore: () => Object.assign(hasher, { verify, verifyNothing }),
  };
}

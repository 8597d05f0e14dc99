import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { assertOwner } from '../src/http/access.ts';
import { buildHttpApp, type HttpApp } from '../src/http/app.ts';
import { problemDetailsSchema } from '../src/http/problem.ts';
import { createMetrics } from '../src/metrics.ts';
import { createTestIssuer, type TestIssuer } from '../src/testing/auth.ts';
import { capturingLogger } from './log-capture.ts';

let issuer: TestIssuer;
let app: HttpApp;
const ownerOfThing = '7f0c2d7e-59a4-4c2e-9d63-0b7f1c1f3f10';

async function appWithRoutes(register: (app: HttpApp) => void): Promise<HttpApp> {
  const built = await buildHttpApp({
    serviceName: 'test',
    logger: capturingLogger().logger,
    metrics: createMetrics('test'),
    access: { verify: issuer.verify },
    openapi: { title: 'Test API', version: '1.0.0' },
  });
  register(built);
  await built.ready();
  return built;
}

before(async () => {
  issuer = await createTestIssuer();
  app = await appWithRoutes((routes) => {
    routes.get('/open', { schema: { 'x-access': 'public' } }, async () => ({ ok: true }));
    routes.get('/mine', { schema: { 'x-access': 'signed-in' } }, async (request) => ({
      subject: request.principal?.subject,
    }));
    routes.post('/orders', { schema: { 'x-access': 'customer' } }, async () => ({ placed: true }));
    routes.put('/catalog', { schema: { 'x-access': 'operator' } }, async () => ({ changed: true }));
    routes.get(
      '/things/:id',
      { schema: { 'x-access': 'owner', params: z.object({ id: z.string() }) } },
      async (request) => {
        if (request.params.id !== 'a-thing') throw Object.assign(new Error('x'), { statusCode: 404 });
        assertOwner(request, ownerOfThing, 'thing');
        return { id: 'a-thing' };
      },
    );
  });
});
after(() => app.close());

async function status(method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string> = {}) {
  const response = await app.inject({ method, url, headers });
  return response.statusCode;
}

describe('access declared per route', () => {
  test('without a token only public routes answer; the others say 401 as problem+json', async () => {
    assert.equal(await status('GET', '/open'), 200);
    for (const [method, url] of [
      ['GET', '/mine'],
      ['POST', '/orders'],
      ['PUT', '/catalog'],
      ['GET', '/things/a-thing'],
    ] as const) {
      const response = await app.inject({ method, url });
      assert.equal(response.statusCode, 401, `${method} ${url}`);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.equal(problemDetailsSchema.parse(response.json()).code, 'UNAUTHENTICATED');
      assert.equal(response.headers['www-authenticate'], 'Bearer realm="microshop"');
    }
  });

  test('customers may not change the catalog (403); operators may not place orders as a customer (403)', async () => {
    const customer = await issuer.customer();
    const operator = await issuer.operator();
    assert.equal(await status('PUT', '/catalog', customer.headers), 403);
    assert.equal(await status('PUT', '/catalog', operator.headers), 200);
    assert.equal(await status('POST', '/orders', customer.headers), 200);
    assert.equal(await status('POST', '/orders', operator.headers), 403);
  });

  test("another customer's resource answers the same 404 as one that does not exist; its owner and operators see it", async () => {
    const owner = await issuer.customer(ownerOfThing);
    const stranger = await issuer.customer();
    const operator = await issuer.operator();
    assert.equal(await status('GET', '/things/a-thing', owner.headers), 200);
    assert.equal(await status('GET', '/things/a-thing', operator.headers), 200);
    assert.equal(await status('GET', '/things/a-thing', stranger.headers), 404);
    assert.equal(await status('GET', '/things/no-such-thing', stranger.headers), 404);
  });

  test('an expired, foreign or malformed token is a 401, also on a public route', async () => {
    const expired = await issuer.tokenFor({ roles: ['customer'] }, { expiresInS: -10 });
    const foreign = await (await createTestIssuer()).tokenFor({ roles: ['operator'] });
    for (const authorization of [
      `Bearer ${expired}`,
      `Bearer ${foreign}`,
      'Bearer not.a.token',
      'Basic abc',
    ]) {
      assert.equal(await status('GET', '/mine', { authorization }), 401, authorization.slice(0, 20));
      assert.equal(await status('GET', '/open', { authorization }), 401, authorization.slice(0, 20));
    }
  });

  test('the verified subject reaches the route', async () => {
    const customer = await issuer.customer();
    const response = await app.inject({ method: 'GET', url: '/mine', headers: customer.headers });
    assert.deepEqual(response.json(), { subject: customer.subject });
  });

  test('a route that declares no access makes the app refuse to build', async () => {
    await assert.rejects(
      appWithRoutes((routes) => routes.get('/forgotten', async () => 'open by omission')),
      /route GET \/forgotten declares no access/,
    );
  });

  test('the OpenAPI document carries each declaration and marks every non-public route as needing a bearer token', async () => {
    const document = app.swagger() as {
      paths: Record<
        string,
        Record<string, { 'x-access'?: string; security?: unknown; responses?: Record<string, unknown> }>
      >;
    };
    assert.equal(document.paths['/open']?.get?.['x-access'], 'public');
    assert.equal(document.paths['/open']?.get?.security, undefined);
    assert.equal(document.paths['/catalog']?.put?.['x-access'], 'operator');
    assert.deepEqual(document.paths['/catalog']?.put?.security, [{ bearer: [] }]);
    assert.deepEqual(Object.keys(document.paths['/catalog']?.put?.responses ?? {}), ['401', '403']);
    assert.deepEqual(Object.keys(document.paths['/mine']?.get?.responses ?? {}), ['401']);
  });
});

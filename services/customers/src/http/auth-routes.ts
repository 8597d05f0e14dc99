import type { HttpApp } from '@microshop/platform';
import { type AccountDeps, register, signIn } from '../handlers/accounts.ts';
import { refresh, signOut } from '../handlers/sessions.ts';
import type { KeyRing } from '../handlers/signing-keys.ts';
import {
  authPath,
  jwksSchema,
  refreshSchema,
  registerSchema,
  signInSchema,
  signOutSchema,
} from './auth-schemas.ts';

/**
 * microshop's identity over HTTP (through the gateway under the same paths):
 *   POST /api/v1/auth/register    {name, email, password} → the customer and its tokens
 *   POST /api/v1/auth/sign-in     {email, password}       → tokens
 *   POST /api/v1/auth/refresh     {refreshToken}          → new tokens
 *   POST /api/v1/auth/sign-out    {refreshToken?}         → 204
 *   GET  /api/v1/auth/jwks.json                           → the public keys
 */
export function registerAuthRoutes(app: HttpApp, deps: AccountDeps & { keys: KeyRing }): void {
  app.post(`${authPath}/register`, { schema: registerSchema }, async (request, reply) => {
    const { name, email, password } = request.body;
    return reply.status(201).send(await register(deps, { name, email, password }));
  });

  app.post(`${authPath}/sign-in`, { schema: signInSchema }, async (request) =>
    signIn(deps, request.body.email, request.body.password),
  );

  app.post(`${authPath}/refresh`, { schema: refreshSchema }, async (request) =>
    refresh(deps, request.body.refreshToken),
  );

  app.post(`${authPath}/sign-out`, { schema: signOutSchema }, async (request, reply) => {
    const subject = request.principal?.subject;
    if (subject === undefined) throw new Error('sign-out is declared signed-in: a principal is there');
    await signOut(deps, subject, request.body?.refreshToken);
    return reply.status(204).send(null);
  });

  app.get(`${authPath}/jwks.json`, { schema: jwksSchema }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=60').send(await deps.keys.jwks()),
  );
}

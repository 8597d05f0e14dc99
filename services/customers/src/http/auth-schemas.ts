import { customerSchema } from '@microshop/contracts';
import { problemDetailsSchema } from '@microshop/platform';
import { z } from 'zod';

// Sign-up, sign-in and tokens: the routes under /api/v1/auth (docs/product.md, "Identity and access").

export const authPath = '/api/v1/auth';

const tags = ['auth'];
const problem = problemDetailsSchema;

const email = z.email().max(320);
/** Long enough to resist guessing, bounded so a hash never works on megabytes. */
const password = z.string().min(8, 'password must be at least 8 characters').max(1024);
const refreshToken = z.string().min(1).max(512);

const tokens = {
  accessToken: z.string().describe('A JWT (ES256) to send as `Authorization: Bearer <accessToken>`'),
  refreshToken: z.string().describe('Opaque; gets new tokens once (each refresh returns a new one)'),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('Seconds the access token is valid'),
};
const tokensSchema = z.object(tokens).meta({ id: 'Tokens' });

export const registerSchema = {
  tags,
  summary: 'Sign up: a new customer (bronze) with its account, signed in',
  description:
    'Always 201. The same email and password again answer the customer registered the first time; ' +
    'another password makes another customer with that email. A `level` sent is ignored: only ' +
    'operators change levels.',
  'x-access': 'public' as const,
  body: z.strictObject({
    name: z.string().trim().min(1).max(200),
    email,
    password,
    level: z.string().optional().describe('Ignored'),
  }),
  response: {
    201: z.object({ customer: customerSchema, ...tokens }).meta({ id: 'Registration' }),
    400: problem,
    413: problem,
    415: problem,
  },
};

export const signInSchema = {
  tags,
  summary: 'Sign in with email and password',
  description: 'A 401 says only that the email or the password is wrong, never which.',
  'x-access': 'public' as const,
  body: z.strictObject({ email, password: z.string().min(1).max(1024) }),
  response: { 200: tokensSchema, 400: problem, 401: problem, 415: problem },
};

export const refreshSchema = {
  tags,
  summary: 'New tokens for a refresh token (which is used up)',
  description: 'A refresh token that was already used revokes every token issued after it.',
  'x-access': 'public' as const,
  body: z.strictObject({ refreshToken }),
  response: { 200: tokensSchema, 400: problem, 401: problem, 415: problem },
};

export const signOutSchema = {
  tags,
  summary: 'Sign out: revoke a refresh token, or every one of the caller',
  description:
    'With `refreshToken` (one of the caller): that session ends. Without: every session of the caller. ' +
    'Access tokens already issued stay valid until they expire (minutes).',
  'x-access': 'signed-in' as const,
  body: z.strictObject({ refreshToken: refreshToken.optional() }).nullish(),
  response: { 204: z.null().describe('Signed out'), 400: problem, 401: problem, 415: problem },
};

const jwkSchema = z.looseObject({ kty: z.string().optional(), kid: z.string().optional() });

export const jwksSchema = {
  tags,
  summary: 'The public keys that verify access tokens (JWKS)',
  'x-access': 'public' as const,
  response: { 200: z.object({ keys: z.array(jwkSchema) }).meta({ id: 'JsonWebKeySet' }) },
};

// Signing in, as every client of the API does: the operator (the stack's dev account) and the
// customers a test registers. The lib remembers whose orders and customer records it made, so a call
// about them is made as their customer, like a real client would (see `api`).
import { devOperatorAccount } from '@microshop/platform/pure';
import { importJWK, type JWK, SignJWT } from 'jose';
import { query } from './db.ts';

export interface Session {
  subject: string;
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
  baseUrl: string;
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export const defaultGatewayUrl = process.env.GATEWAY_URL ?? 'http://127.0.0.1:18080';

/** A session from a sign-in, sign-up or refresh answer. */
export function sessionOf(tokens: Tokens, baseUrl: string): Session {
  const payload = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1] ?? '', 'base64url').toString());
  return {
    subject: String(payload.sub),
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
    baseUrl,
  };
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

export async function signIn(email: string, password: string, baseUrl = defaultGatewayUrl): Promise<Session> {
  const res = await postJson(`${baseUrl}/api/v1/auth/sign-in`, { email, password });
  if (res.status !== 200) throw new Error(`sign-in of ${email} → ${res.status} ${JSON.stringify(res.body)}`);
  return sessionOf(res.body as Tokens, baseUrl);
}

/** `Authorization` for the session, its tokens refreshed first when the access token is nearly spent. */
export async function authorizationOf(session: Session): Promise<string> {
  if (session.expiresAt - Date.now() < 60_000) {
    const res = await postJson(`${session.baseUrl}/api/v1/auth/refresh`, {
      refreshToken: session.refreshToken,
    });
    if (res.status !== 200) throw new Error(`refresh → ${res.status} ${JSON.stringify(res.body)}`);
    Object.assign(session, sessionOf(res.body as Tokens, session.baseUrl));
  }
  return `Bearer ${session.accessToken}`;
}

/** A customer as the API answers it. */
export interface CustomerBody {
  id: string;
  name: string;
  email: string;
  level: string;
  createdAt: string;
  updatedAt: string;
}

/** The password the lib signs its customers up with (tests that sign in again need it). */
export function customerCredentials(email: string): { email: string; password: string } {
  return { email, password: `pw-${email}` };
}

/** Signs a new customer up (bronze, signed in) and remembers them. */
export async function signUp(
  name: string,
  email: string,
  baseUrl = defaultGatewayUrl,
): Promise<{ customer: CustomerBody; session: Session }> {
  const { password } = customerCredentials(email);
  const res = await postJson(`${baseUrl}/api/v1/auth/register`, { name, email, password });
  if (res.status !== 201) throw new Error(`register ${email} → ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as Tokens & { customer: CustomerBody };
  const session = sessionOf(body, baseUrl);
  rememberCustomer(session);
  return { customer: body.customer, session };
}

const operators = new Map<string, Promise<Session>>();

/** The stack's operator, signed in once per gateway. */
export function operator(baseUrl = defaultGatewayUrl): Promise<Session> {
  let session = operators.get(baseUrl);
  if (session === undefined) {
    session = signIn(devOperatorAccount.email, devOperatorAccount.password, baseUrl);
    session.catch(() => operators.delete(baseUrl));
    operators.set(baseUrl, session);
  }
  return session;
}

// Whose is what: customers the lib registered, and the orders placed as them.
const customers = new Map<string, Session>();
const orderCustomers = new Map<string, string>();

export function rememberCustomer(session: Session): void {
  customers.set(session.subject, session);
}

export function rememberOrder(orderId: string, customerId: string): void {
  orderCustomers.set(orderId.toLowerCase(), customerId.toLowerCase());
}

export function sessionOfCustomer(customerId: string): Session | undefined {
  return customers.get(customerId.toLowerCase());
}

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The routes a customer calls about their own orders and record (docs/security.md: `owner`, `customer`). */
const customerRoutes =
  /^\/api\/v1\/(orders|customers\/[^/?]+(\/orders)?(\?|$)|payments|shipments|notifications)/;

/**
 * The customer a call is about, if the lib knows them and the route is one a customer calls: the first
 * order or customer id in the path (or query) that it made, else the body's `customerId`.
 */
export function ownerSessionOf(method: string, path: string, body: unknown): Session | undefined {
  if (method === 'PATCH' || !customerRoutes.test(path)) return undefined;
  for (const [id] of path.matchAll(uuid)) {
    const customer = orderCustomers.get(id.toLowerCase()) ?? id.toLowerCase();
    const session = customers.get(customer);
    if (session !== undefined) return session;
  }
  const customerId = (body as { customerId?: unknown } | undefined)?.customerId;
  return typeof customerId === 'string' ? sessionOfCustomer(customerId) : undefined;
}

/**
 * An access token for `subject` signed with the stack's current signing key, read from the database:
 * a principal the identity service never issued a token to (or, with a past expiry, an expired one).
 */
export async function tokenSignedByStack(subject: string, expiresInS: number): Promise<string> {
  const [key] = await query<{ kid: string; private_jwk: JWK }>(
    'select kid, private_jwk from customers.signing_keys order by created_at desc limit 1',
  );
  if (key === undefined) throw new Error('the stack has no signing key yet');
  return new SignJWT({ roles: ['customer'] })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer('microshop')
    .setAudience('microshop-api')
    .setSubject(subject)
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInS)
    .sign(await importJWK(key.private_jwk, 'ES256'));
}

/** A customer the identity service never registered, as an outside issuer's customer would be. */
export async function unregisteredCustomer(subject: string, baseUrl = defaultGatewayUrl): Promise<Session> {
  const accessToken = await tokenSignedByStack(subject, 600);
  const session = { subject, accessToken, refreshToken: '', expiresAt: Date.now() + 600_000, baseUrl };
  rememberCustomer(session);
  return session;
}

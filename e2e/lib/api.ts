// A small client for the gateway's HTTP API (the routes under /api/v1), for end-to-end tests. Every
// call is signed in, as a real client's would be (see `api`).
import { randomUUID } from 'node:crypto';
import { orderRequest } from '@microshop/platform/testing';
import {
  authorizationOf,
  defaultGatewayUrl,
  operator,
  ownerSessionOf,
  rememberOrder,
  type Session,
  signUp,
} from './session.ts';

export const gatewayUrl = defaultGatewayUrl;

/** Who makes a call: a session, nobody (`anonymous`), or by default whoever `api` picks. */
export type Caller = Session | 'anonymous';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ApiOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  baseUrl?: string;
  as?: Caller;
}

/**
 * One call. It is made as `as`; without it, on a route customers call about their own orders and
 * record, as the customer the call is about when the lib made them (an order or customer of theirs in
 * the path, or their `customerId` in the body), else as the test stack's operator. An `authorization` header given in `headers` is sent as it is.
 */
export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: ApiOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {
    ...(await authorizationFor(method, path, options)),
    ...options.headers,
  };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  } else if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${options.baseUrl ?? gatewayUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text for the assertion message
  }
  if (method === 'POST' && path === '/api/v1/orders') rememberPlaced(parsed);
  return { status: res.status, headers: res.headers, body: parsed as T };
}

async function authorizationFor(
  method: string,
  path: string,
  options: ApiOptions,
): Promise<Record<string, string>> {
  if (options.as === 'anonymous') return {};
  const session = options.as ?? ownerSessionOf(method, path, options.body) ?? (await operator());
  return { authorization: await authorizationOf(session) };
}

/** An order the API answered with is its customer's from now on. */
function rememberPlaced(body: unknown): void {
  const order = body as { id?: unknown; customerId?: unknown } | null;
  if (typeof order?.id === 'string' && typeof order.customerId === 'string') {
    rememberOrder(order.id, order.customerId);
  }
}

export interface OrderBody {
  id: string;
  customerId: string;
  items: { sku: string; quantity: number; unitPrice: number }[];
  currency: string;
  total: number;
  status: string;
  reasons: string[];
  createdAt: string;
  updatedAt: string;
}

/** The kit's sample order request; `overrides` may break it on purpose (tests of the 400 answers). */
export function newOrderRequest(overrides: Record<string, unknown> = {}) {
  return { ...orderRequest(), ...overrides };
}

/** Places the order as its customer; without a request, the sample order of a customer signed up for it. */
export async function createOrder(request?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const body = request ?? newOrderRequest({ customerId: await newCustomerId() });
  const res = await api<OrderBody>('POST', '/api/v1/orders', { body, headers });
  if (res.status !== 201) throw new Error(`POST /api/v1/orders → ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

async function newCustomerId(): Promise<string> {
  const { customer } = await signUp('E2E Customer', `customer-${randomUUID()}@e2e.microshop.test`);
  return customer.id;
}

/** Polls `fn` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

// A small client for the gateway's HTTP API (the routes under /api/v1), for end-to-end tests.
import { orderRequest } from '@microshop/platform/testing';

export const gatewayUrl = process.env.GATEWAY_URL ?? 'http://127.0.0.1:18080';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; baseUrl?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
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
  return { status: res.status, headers: res.headers, body: parsed as T };
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

export async function createOrder(request = newOrderRequest(), headers: Record<string, string> = {}) {
  const res = await api<OrderBody>('POST', '/api/v1/orders', { body: request, headers });
  if (res.status !== 201) throw new Error(`POST /api/v1/orders → ${res.status} ${JSON.stringify(res.body)}`);
  return res;
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

// The benchmarks' client of the gateway: JSON requests on an undici pool (the load generators' own),
// and the order they place, the same sample order the tests place.
import type { CreateOrderRequest } from '@microshop/contracts';
import { orderRequest } from '@microshop/platform/testing';
import type { Pool } from 'undici';

export interface JsonAnswer {
  status: number;
  /** The answer's body when it is a JSON object, else `{}`. */
  json: { id?: string };
}

/** Sends `body` as JSON and reads the answer whole. */
export async function call(
  pool: Pool,
  method: 'POST' | 'PUT',
  path: string,
  body: unknown,
): Promise<JsonAnswer> {
  const response = await pool.request({
    method,
    path,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.body.text();
  let json: { id?: string } = {};
  try {
    json = text ? (JSON.parse(text) as { id?: string }) : {};
  } catch {
    // not JSON (a proxy's error page): the status says what happened
  }
  return { status: response.statusCode, json };
}

/** POSTs one order (by default the sample order of a new customer); resolves with its id, or null if not 201. */
export async function postOrder(
  pool: Pool,
  request: CreateOrderRequest = orderRequest(),
): Promise<string | null> {
  const answer = await call(pool, 'POST', '/api/v1/orders', request);
  return answer.status === 201 && answer.json.id ? answer.json.id : null;
}

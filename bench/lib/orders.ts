// The benchmarks' client of the gateway: JSON requests on an undici pool (the load generators' own),
// and the order they place, the same sample order the tests place, as a signed-in customer.
import type { CreateOrderRequest } from '@microshop/contracts';
import { orderRequest } from '@microshop/platform/testing';
import type { Pool } from 'undici';
import type { Caller } from './auth.ts';

export interface JsonAnswer {
  status: number;
  /** The answer's body when it is a JSON object, else `{}`. */
  json: { id?: string };
}

/** Sends `body` as JSON (as `caller`, if given) and reads the answer whole. */
export async function call(
  pool: Pool,
  method: 'POST' | 'PUT',
  path: string,
  body: unknown,
  caller?: Caller,
): Promise<JsonAnswer> {
  const authorization = caller === undefined ? {} : { authorization: await caller.authorization() };
  const response = await pool.request({
    method,
    path,
    headers: { 'content-type': 'application/json', ...authorization },
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

/** POSTs one order as `customer` (by default the sample order); resolves with its id, or null if not 201. */
export async function postOrder(
  pool: Pool,
  customer: Caller,
  request: CreateOrderRequest = { ...orderRequest(), customerId: customer.id },
): Promise<string | null> {
  const answer = await call(pool, 'POST', '/api/v1/orders', request, customer);
  return answer.status === 201 && answer.json.id ? answer.json.id : null;
}

import { createOrderRequestSchema, idSchema, orderSchema, orderStatuses } from '@microshop/contracts';
import { problemDetailsSchema } from '@microshop/platform';
import { z } from 'zod';

// Route schemas: the zod type provider validates requests with them and @fastify/swagger turns
// them into /openapi.json (which the gateway merges into /api/openapi.json).

export const ordersPath = '/api/v1/orders';
export const orderPath = `${ordersPath}/:id`;
export const cancelPath = `${ordersPath}/:id/cancel`;

export function orderLocation(id: string): string {
  return `${ordersPath}/${id}`;
}

const tags = ['orders'];

export const orderIdParams = z.object({ id: idSchema.describe('Order id (uuid)') });

// Statuses and timeout are parsed by the domain (case-insensitive list, capped timeout); the schema
// accepts the raw text so the OpenAPI document still lists both parameters.
const waitQuery = z.object({
  waitFor: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe(
      `Comma-separated statuses (${orderStatuses.join(', ')}): answer once the order has reached one of them`,
    ),
  timeout: z
    .string()
    .optional()
    .describe(
      'With waitFor: milliseconds to wait before answering 504 (default 10000, capped by the server)',
    ),
});

const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .describe('1-255 visible ASCII characters; the same key with the same body answers the same order'),
});

const problem = problemDetailsSchema;

export const createOrderSchema = {
  tags,
  summary: 'Place an order, as the signed-in customer',
  description:
    "Prices the lines from the catalog (a unitPrice, if sent, must be the catalog's: 409 otherwise; " +
    'an unknown sku is a 400), hands the card token to payments, and stores the order as CREATED with ' +
    'its OrderCreated event (carrying a payment reference, never the token); answers 201 with a Location. ' +
    "The customer is the token's; a customerId in the body must be that customer (403 otherwise). " +
    "Operators cannot place orders. Idempotency keys are each customer's own.",
  'x-access': 'customer' as const,
  headers: idempotencyHeaders,
  body: createOrderRequestSchema,
  response: {
    200: orderSchema.describe('Replay of an Idempotency-Key: the order created the first time'),
    201: orderSchema.describe('The order, CREATED'),
    400: problem,
    409: problem.describe("A unitPrice differs from the catalog's: names the sku and both prices"),
    413: problem,
    415: problem,
    422: problem,
    503: problem,
  },
};

export const getOrderSchema = {
  tags,
  summary: 'Read an order, or wait until it reaches a status',
  'x-access': 'owner' as const,
  description:
    'Without waitFor: the order now. With waitFor: answers as soon as the order has reached one of ' +
    'the statuses (now or earlier in its history); 504 on timeout, or at once when it no longer can. ' +
    "Another customer's order is a 404, as an unknown one; 429 beyond the blocking GETs one caller may " +
    'have waiting at once.',
  params: orderIdParams,
  querystring: waitQuery,
  response: { 200: orderSchema, 400: problem, 404: problem, 429: problem, 503: problem, 504: problem },
};

export const cancelOrderSchema = {
  tags,
  summary: 'Cancel an order before it ships (its customer, or an operator)',
  'x-access': 'owner' as const,
  params: orderIdParams,
  response: {
    202: orderSchema.describe('The order, CANCELLED (also when it already was)'),
    400: problem,
    404: problem,
    409: problem,
  },
};

export const orderEventsPath = `${ordersPath}/:id/events`;

export const orderEventsSchema = {
  tags,
  summary: 'Follow an order live: server-sent events, one per status change',
  'x-access': 'owner' as const,
  description:
    'text/event-stream. `event: order` with the whole order (as GET answers it) at once and after ' +
    'every change; `event: end` after a final status (DELIVERED, FAILED, CANCELLED), then the stream ' +
    "closes. A comment every 15 s keeps proxies from closing it. Another customer's order is a 404 " +
    'before the stream opens, as an unknown one.',
  params: orderIdParams,
  response: { 404: problem, 429: problem },
};

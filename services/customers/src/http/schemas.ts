import {
  createCustomerRequestSchema,
  customerLevelSchema,
  customerSchema,
  idSchema,
  updateCustomerRequestSchema,
} from '@microshop/contracts';
import { pageCursorParam, problemDetailsSchema } from '@microshop/platform';
import { z } from 'zod';

// Route schemas: the zod type provider validates requests with them and @fastify/swagger turns
// them into /openapi.json (which the gateway merges into /api/openapi.json).

export const customersPath = '/api/v1/customers';
export const customerPath = `${customersPath}/:id`;

export function customerLocation(id: string): string {
  return `${customersPath}/${id}`;
}

const tags = ['customers'];
const problem = problemDetailsSchema;
const customer = customerSchema.meta({ id: 'Customer' });
const idParams = z.object({ id: idSchema.describe('Customer id (uuid)') });

const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .describe('1-255 visible ASCII characters; the same key with the same body answers the same customer'),
});

export const createCustomerSchema = {
  tags,
  summary: 'Register a customer (operators; customers sign up at /api/v1/auth/register)',
  description:
    "Level defaults to bronze. An email may belong to several customers. Idempotency keys are the caller's own.",
  'x-access': 'operator' as const,
  headers: idempotencyHeaders,
  body: createCustomerRequestSchema,
  response: {
    200: customer.describe('Replay of an Idempotency-Key: the customer registered the first time'),
    201: customer.describe('The new customer'),
    400: problem,
    413: problem,
    415: problem,
    422: problem,
  },
};

export const getCustomerSchema = {
  tags,
  summary: 'Read a customer (the customer themselves, or an operator)',
  'x-access': 'owner' as const,
  params: idParams,
  response: { 200: customer, 400: problem, 404: problem },
};

export const updateCustomerSchema = {
  tags,
  summary: "Change a customer's name or level (operators)",
  description: "A level change routes the customer's later orders to that level's topic.",
  'x-access': 'operator' as const,
  params: idParams,
  body: updateCustomerRequestSchema,
  response: { 200: customer, 400: problem, 404: problem, 413: problem, 415: problem },
};

export const maxListLimit = 200;

const listQuery = z.object({
  level: customerLevelSchema.optional().describe('Only customers of this level'),
  q: z.string().trim().min(1).max(320).optional().describe('The start of the email, any case'),
  limit: z.coerce.number().int().min(1).max(maxListLimit).default(50),
  cursor: pageCursorParam.optional().describe("The previous page's `next`: the page after it"),
});

export const listCustomersSchema = {
  tags,
  summary: 'List customers, newest first (operators)',
  description:
    'Keyset-paged: `next` is the cursor of the following page (null on the last), and the same cursor ' +
    'always answers the same page. `q` matches the start of the email.',
  'x-access': 'operator' as const,
  querystring: listQuery,
  response: {
    200: z.object({ items: z.array(customer), next: z.string().nullable() }).meta({ id: 'CustomerPage' }),
    400: problem,
  },
};

import { z } from 'zod';

// The provider's answers as the HTTP adapter reads them: tolerant (unknown fields are dropped), so
// the provider may add fields without breaking payments.

export const chargeSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  amount: z.number().int().nonnegative(),
  currency: z.string().min(1),
});

export const refundSchema = z.object({
  id: z.string().min(1),
  charge: z.string().min(1),
  amount: z.number().int().nonnegative(),
  currency: z.string().min(1),
});

export const chargeListSchema = z.object({ data: z.array(chargeSchema) });

/** What became of a request made with an idempotency key (GET /v1/idempotency_keys/{key}). */
export const keyLookupSchema = z.object({
  status: z.enum(['completed', 'in_progress', 'retryable']),
  response: z.object({ status: z.number().int(), body: z.unknown() }).nullable(),
});

const errorSchema = z.object({ error: z.object({ message: z.string().min(1) }) });

/** `{error: {message}}`, the provider's error shape; undefined for anything else. */
export function errorMessageOf(body: unknown): string | undefined {
  const parsed = errorSchema.safeParse(body);
  return parsed.success ? parsed.data.error.message : undefined;
}

import { z } from 'zod';
import { invalidParameter, type ProviderError } from '../domain/provider-errors.ts';

// The sandbox's request bodies and queries. Strict, like a provider that refuses unknown
// parameters; errors are reported in the provider's own shape, naming the parameter.

const metadataSchema = z.record(z.string().max(40), z.string().max(500));

export const chargeRequestSchema = z.strictObject({
  /** Minor units (cents); providers refuse a charge of nothing. */
  amount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO 4217 code'),
  /** The payment method token, e.g. `tok_visa`. */
  source: z.string().min(1).max(256),
  metadata: metadataSchema.optional(),
});
export type ChargeRequest = z.infer<typeof chargeRequestSchema>;

export const refundRequestSchema = z.strictObject({
  charge: z.string().min(1).max(256),
  /** Default: all that is left to refund on the charge. */
  amount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  metadata: metadataSchema.optional(),
});
export type RefundRequest = z.infer<typeof refundRequestSchema>;

export const chargeListQuerySchema = z.object({ orderId: z.string().min(1).optional() });
export const refundListQuerySchema = z.object({ charge: z.string().min(1).optional() });

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ProviderError };

/** `value` as `schema`, or the provider's 400 naming the first offending parameter. */
export function parseParams<S extends z.ZodType>(schema: S, value: unknown): Parsed<z.output<S>> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  if (issue === undefined)
    return { ok: false, error: invalidParameter('parameter_invalid', '', 'Invalid request') };
  if (issue.code === 'unrecognized_keys') {
    const param = issue.keys[0] ?? '';
    return {
      ok: false,
      error: invalidParameter('parameter_unknown', param, `Received unknown parameter: ${param}`),
    };
  }
  const param = issue.path.map(String).join('.');
  const missing = issue.code === 'invalid_type' && valueAt(value, issue.path) === undefined;
  return missing
    ? { ok: false, error: invalidParameter('parameter_missing', param, `Missing required param: ${param}.`) }
    : {
        ok: false,
        error: invalidParameter('parameter_invalid', param, `Invalid ${param}: ${issue.message}`),
      };
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

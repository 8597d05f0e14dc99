import { validationFailed, zodIssuesToFieldErrors } from '@microshop/platform';
import type { z } from 'zod';

// Decoding shared by the handlers: skip what this service does not read, refuse what is broken.

export function typeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('type' in value)) return undefined;
  return typeof value.type === 'string' ? value.type : undefined;
}

/**
 * `value` as `schema` when its `type` is one of `types`; null for a tombstone or another type (a
 * producer may add event types before every reader knows them). A known type that breaks its
 * schema is a non-retriable error: the consumer parks it on the dead-letter topic.
 */
export function decodeKnown<S extends z.ZodType>(
  value: unknown,
  types: readonly string[],
  schema: S,
): z.output<S> | null {
  const type = typeOf(value);
  if (type === undefined || !types.includes(type)) return null;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw validationFailed(
    zodIssuesToFieldErrors(parsed.error.issues, value, '(value)'),
    `${type} event does not match its schema`,
  );
}

import type { ConsumedMessage } from '@microshop/platform';
import { validationFailed, zodIssuesToFieldErrors } from '@microshop/platform';
import type { z } from 'zod';

/** The `type` of an event value, if it has one: decides which schema to parse it with. */
export function typeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('type' in value)) return undefined;
  return typeof value.type === 'string' ? value.type : undefined;
}

/**
 * Parses a message of a type this service handles. A known type that breaks its schema will never
 * parse, however often it is retried: a non-retriable error, so the consumer dead-letters it.
 */
export function parseKnown<S extends z.ZodType>(
  schema: S,
  message: Pick<ConsumedMessage, 'value'>,
  type: string,
): z.output<S> {
  const parsed = schema.safeParse(message.value);
  if (parsed.success) return parsed.data;
  throw validationFailed(
    zodIssuesToFieldErrors(parsed.error.issues, message.value, '(value)'),
    `${type} event does not match its schema`,
  );
}

import type { z } from 'zod';
import { validationFailed } from '../errors.ts';
import { zodIssuesToFieldErrors } from '../http/validation.ts';

// Turning a consumed value into the event a handler acts on: skip what this service does not read,
// refuse what is broken. One topic carries several event types, so the `type` decides first.

/** The `type` of an event value, if it has a string one: what decides which schema parses it. */
export function eventTypeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('type' in value)) return undefined;
  return typeof value.type === 'string' ? value.type : undefined;
}

/**
 * `value` as `schema`, for a value of a type this service handles (`type` names it in the error). A
 * known type that breaks its schema will never parse, however often it is retried: a non-retriable
 * VALIDATION_FAILED, so the consumer parks the message on the dead-letter topic.
 */
export function parseEvent<S extends z.ZodType>(schema: S, value: unknown, type: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw validationFailed(
    zodIssuesToFieldErrors(parsed.error.issues, value, '(value)'),
    `${type} event does not match its schema`,
  );
}

/**
 * `value` as `schema` when its `type` is one of `types`; null for a tombstone or any other type (a
 * producer may add event types before every reader knows them). A known type that breaks its schema
 * throws as in `parseEvent`.
 */
export function decodeEvent<S extends z.ZodType>(
  value: unknown,
  types: readonly string[],
  schema: S,
): z.output<S> | null {
  const type = eventTypeOf(value);
  if (type === undefined || !types.includes(type)) return null;
  return parseEvent(schema, value, type);
}

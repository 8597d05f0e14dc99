import type { FastifySchemaValidationError } from 'fastify';
import type { z } from 'zod';
import type { FieldError } from '../errors.ts';

/**
 * Turns zod issues into the `{field, rule, message}` triples of a problem+json answer.
 * Field paths are written the way a JavaScript reader would: `items[0].quantity`.
 * Rules use JSON Schema keyword names where one exists (`minimum`, `maxLength`, `pattern`), so a
 * client can relate an error to the OpenAPI document; `required` and `unknownField` are added.
 */

type PathSegment = PropertyKey;

/** Issue fields we read; a zod issue and a fastify validation entry both fit after `fromFastify`. */
interface IssueLike {
  code: string;
  path: readonly PathSegment[];
  message: string;
  [detail: string]: unknown;
}

export function formatFieldPath(path: readonly PathSegment[], root = ''): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text === '' ? root : text;
}

/** Field errors for zod issues; `input` is the validated value, used to tell "missing" from "wrong". */
export function zodIssuesToFieldErrors(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  root = '(root)',
): FieldError[] {
  return issues.flatMap((issue) => issueToFieldErrors(issue as unknown as IssueLike, input, root));
}

/** Field errors for the `validation` array fastify attaches to a schema validation error. */
export function fastifyValidationToFieldErrors(
  validation: readonly FastifySchemaValidationError[],
  input: unknown,
  root: string,
): FieldError[] {
  return validation.flatMap((entry) => issueToFieldErrors(fromFastify(entry), input, root));
}

function fromFastify(entry: FastifySchemaValidationError): IssueLike {
  // The zod type provider writes the issue path as `/a/0/b` and keeps the issue's other
  // properties in `params`; numeric segments are array indexes.
  const path = entry.instancePath
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  return { ...entry.params, code: entry.keyword, path, message: entry.message ?? 'is invalid' };
}

function issueToFieldErrors(issue: IssueLike, input: unknown, root: string): FieldError[] {
  if (issue.code === 'unrecognized_keys' && Array.isArray(issue.keys)) {
    return issue.keys.map((key) => ({
      field: formatFieldPath([...issue.path, String(key)], root),
      rule: 'unknownField',
      message: 'is not a known field',
    }));
  }
  const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
  return [
    {
      field: formatFieldPath(issue.path, root),
      rule: missing ? 'required' : ruleOf(issue),
      message: missing ? 'is required' : issue.message,
    },
  ];
}

function ruleOf(issue: IssueLike): string {
  switch (issue.code) {
    case 'invalid_type':
      return 'type';
    case 'too_small':
      return sizeRule('min', issue.origin);
    case 'too_big':
      return sizeRule('max', issue.origin);
    case 'invalid_format':
      return issue.format === 'regex' || issue.format === undefined ? 'pattern' : String(issue.format);
    case 'not_multiple_of':
      return 'multipleOf';
    case 'invalid_value':
      return 'enum';
    case 'invalid_union':
      return 'oneOf';
    case 'custom':
      return customRule(issue.params);
    default:
      return issue.code;
  }
}

function sizeRule(bound: 'min' | 'max', origin: unknown): string {
  if (origin === 'string') return `${bound}Length`;
  if (origin === 'array' || origin === 'set') return `${bound}Items`;
  return bound === 'min' ? 'minimum' : 'maximum';
}

/** A refinement names its rule with `.refine(fn, { params: { rule: 'totalMatchesItems' } })`. */
function customRule(params: unknown): string {
  if (typeof params === 'object' && params !== null && 'rule' in params && typeof params.rule === 'string') {
    return params.rule;
  }
  return 'custom';
}

function valueAt(input: unknown, path: readonly PathSegment[]): unknown {
  let value = input;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

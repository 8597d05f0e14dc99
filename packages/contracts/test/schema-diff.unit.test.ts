import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { jsonSchema, schemaChanges } from '../src/asyncapi/index.ts';

/** The changes from `before` to `after`, as `path: change (breaks)`. */
function changes(before: z.ZodType, after: z.ZodType): string[] {
  return schemaChanges(jsonSchema(before), jsonSchema(after), 'payload').map(
    (c) => `${c.path}: ${c.change} (${c.breaks})`,
  );
}

describe('schemaChanges', () => {
  test('a narrowed type, a removed enum value and a tighter bound narrow', () => {
    assert.deepEqual(changes(z.string().nullable(), z.string()), [
      'payload: no longer accepts null (narrowed)',
    ]);
    assert.deepEqual(changes(z.enum(['A', 'B']), z.enum(['A'])), ['payload: value "B" removed (narrowed)']);
    assert.deepEqual(changes(z.number().max(10), z.number().max(5)), ['payload: maximum 10 → 5 (narrowed)']);
    assert.deepEqual(changes(z.string(), z.string().min(1)), ['payload: minLength none → 1 (narrowed)']);
    assert.deepEqual(changes(z.string(), z.literal('X')), ['payload: only "X" now (narrowed)']);
  });

  test('a wider type, an added enum value and a looser bound widen', () => {
    assert.deepEqual(changes(z.string(), z.string().nullable()), [
      'payload: now also accepts null (widened)',
    ]);
    assert.deepEqual(changes(z.enum(['A']), z.enum(['A', 'B'])), ['payload: value "B" added (widened)']);
    assert.deepEqual(changes(z.number().int().positive(), z.number().int().nonnegative()), [
      'payload: minimum > 0 → 0 (widened)',
    ]);
  });

  test('a changed type or pattern breaks both ways', () => {
    assert.deepEqual(changes(z.object({ a: z.string() }), z.object({ a: z.boolean() })), [
      'payload.a: no longer accepts string (narrowed)',
      'payload.a: now also accepts boolean (widened)',
    ]);
    assert.deepEqual(changes(z.string().regex(/^a$/), z.string().regex(/^b$/)), [
      'payload: pattern "^a$" → "^b$" (narrowed)',
      'payload: pattern "^a$" → "^b$" (widened)',
    ]);
  });

  test('fields: removing or un-requiring one widens, requiring one narrows, an optional one is free', () => {
    const before = z.object({ a: z.string(), b: z.string().optional(), c: z.string() });
    const after = z.object({ b: z.string(), c: z.string().optional(), d: z.string().optional() });
    assert.deepEqual(changes(before, after), [
      'payload.a: required field removed (or renamed) (widened)',
      'payload.b: now required (narrowed)',
      'payload.c: no longer required (widened)',
    ]);
    assert.deepEqual(changes(before, before.extend({ e: z.number() })), [
      'payload.e: new required field (narrowed)',
    ]);
  });

  test('looks into arrays and nested objects, and ignores descriptions', () => {
    const line = (max: number) =>
      z.object({ items: z.array(z.object({ quantity: z.number().int().max(max) })) });
    assert.deepEqual(changes(line(10), line(9)), ['payload.items[].quantity: maximum 10 → 9 (narrowed)']);
    assert.deepEqual(changes(z.string(), z.string().describe('said differently')), []);
  });
});

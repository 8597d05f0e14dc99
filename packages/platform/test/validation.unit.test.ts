import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { formatFieldPath, zodIssuesToFieldErrors } from '../src/http/validation.ts';

function fieldErrorsOf(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  assert.ok(!result.success, 'expected the input to be invalid');
  return zodIssuesToFieldErrors(result.error.issues, input);
}

test('field paths use dots for properties and brackets for indexes', () => {
  assert.equal(formatFieldPath(['items', 0, 'quantity']), 'items[0].quantity');
  assert.equal(formatFieldPath([0, 'sku']), '[0].sku');
  assert.equal(formatFieldPath([], '(body)'), '(body)');
});

test('each zod rule maps to its JSON Schema keyword', () => {
  const schema = z.object({
    name: z.string().min(2),
    note: z.string().max(3),
    lines: z.array(z.number()).min(1),
    quantity: z.number().int().max(10),
    step: z.number().multipleOf(5),
    email: z.email(),
    sku: z.string().regex(/^[A-Z]+$/),
    level: z.enum(['gold', 'silver']),
  });
  const input = {
    name: 'a',
    note: 'long',
    lines: [],
    quantity: 11,
    step: 7,
    email: 'x',
    sku: 'a1',
    level: 'tin',
  };
  assert.deepEqual(
    fieldErrorsOf(schema, input).map((e) => [e.field, e.rule]),
    [
      ['name', 'minLength'],
      ['note', 'maxLength'],
      ['lines', 'minItems'],
      ['quantity', 'maximum'],
      ['step', 'multipleOf'],
      ['email', 'email'],
      ['sku', 'pattern'],
      ['level', 'enum'],
    ],
  );
});

test('a missing field is "required" while a present one of the wrong type is "type"', () => {
  const schema = z.object({ a: z.string(), b: z.string() });
  assert.deepEqual(
    fieldErrorsOf(schema, { b: 1 }).map((e) => [e.field, e.rule, e.message]),
    [
      ['a', 'required', 'is required'],
      ['b', 'type', 'Invalid input: expected string, received number'],
    ],
  );
});

test('each unknown field of a strict object is reported on its own', () => {
  const errors = fieldErrorsOf(z.strictObject({ a: z.number() }), { a: 1, x: 1, y: 2 });
  assert.deepEqual(
    errors.map((e) => [e.field, e.rule]),
    [
      ['x', 'unknownField'],
      ['y', 'unknownField'],
    ],
  );
});

test('a refinement names its rule through params', () => {
  const schema = z
    .object({ total: z.number(), items: z.array(z.number()) })
    .refine((o) => o.total === o.items.reduce((a, b) => a + b, 0), {
      path: ['total'],
      message: 'does not add up',
      params: { rule: 'totalMatchesItems' },
    });
  assert.deepEqual(fieldErrorsOf(schema, { total: 3, items: [1] }), [
    { field: 'total', rule: 'totalMatchesItems', message: 'does not add up' },
  ]);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../src/errors.ts';
import { parseIdempotencyKey } from '../src/idempotency.ts';
import { canonicalJson, fingerprint } from '../src/pure/index.ts';

// What tells a repeated request from a reused key: the fingerprint of the parsed body (an order).

const body = {
  customerId: '6f1c2f7e-3b0a-4c51-9a43-2d5b8f1e0c11',
  items: [
    { sku: 'JUMPERS', quantity: 2, unitPrice: 2500 },
    { sku: 'STOCKINGS', quantity: 1, unitPrice: 900 },
  ],
  currency: 'EUR',
  payment: { token: 'tok_success' },
};
const reordered = {
  payment: { token: 'tok_success' },
  currency: 'EUR',
  items: [
    { unitPrice: 2500, quantity: 2, sku: 'JUMPERS' },
    { quantity: 1, sku: 'STOCKINGS', unitPrice: 900 },
  ],
  customerId: '6f1c2f7e-3b0a-4c51-9a43-2d5b8f1e0c11',
};

describe('request fingerprint', () => {
  it('is a sha256 hex digest', () => {
    assert.match(fingerprint(body), /^[0-9a-f]{64}$/);
  });

  it('is the same when only the key order differs, at every depth', () => {
    assert.equal(fingerprint(reordered), fingerprint(body));
    assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), '{"a":{"c":3,"d":2},"b":1}');
  });

  it('differs when a quantity changes', () => {
    const changed = { ...body, items: [{ ...body.items[0], quantity: 3 }, body.items[1]] };
    assert.notEqual(fingerprint(changed), fingerprint(body));
  });

  it('differs when the order lines are swapped', () => {
    const swapped = { ...body, items: [body.items[1], body.items[0]] };
    assert.notEqual(fingerprint(swapped), fingerprint(body));
  });

  it('differs when the payment token changes', () => {
    assert.notEqual(fingerprint({ ...body, payment: { token: 'tok_decline' } }), fingerprint(body));
  });

  it('serialises with sorted keys and no whitespace, leaving out undefined fields', () => {
    assert.equal(
      canonicalJson({ b: [1, 'x', null], a: { d: true, c: undefined } }),
      '{"a":{"d":true},"b":[1,"x",null]}',
    );
  });

  it('refuses values JSON cannot carry exactly', () => {
    assert.throws(() => canonicalJson({ total: 1n }), TypeError);
    assert.throws(() => canonicalJson({ total: Number.NaN }), TypeError);
  });
});

describe('Idempotency-Key header', () => {
  it('is optional', () => {
    assert.equal(parseIdempotencyKey(undefined), null);
  });

  it('accepts 1 to 255 visible ASCII characters', () => {
    assert.equal(parseIdempotencyKey('order-2025-03-01-0001'), 'order-2025-03-01-0001');
    assert.equal(parseIdempotencyKey('k-1'), 'k-1');
    assert.equal(parseIdempotencyKey('k'.repeat(255)), 'k'.repeat(255));
  });

  for (const [what, raw] of [
    ['an empty key', ''],
    ['a key with a space', 'my key'],
    ['a key of 256 characters', 'k'.repeat(256)],
    ['a repeated header', ['a', 'b']],
  ] as const) {
    it(`rejects ${what} as VALIDATION_FAILED naming the header`, () => {
      assert.throws(
        () => parseIdempotencyKey(raw),
        (error: unknown) => {
          assert.ok(error instanceof AppError);
          assert.equal(error.code, 'VALIDATION_FAILED');
          assert.deepEqual(
            error.fields.map((field) => [field.field, field.rule]),
            [['Idempotency-Key', 'pattern']],
          );
          return true;
        },
      );
    });
  }
});

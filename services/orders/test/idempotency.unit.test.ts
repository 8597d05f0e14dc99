import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalJson,
  compareIdempotentRequest,
  parseIdempotencyKey,
  requestFingerprint,
} from '../src/domain/idempotency.ts';

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
    assert.match(requestFingerprint(body), /^[0-9a-f]{64}$/);
  });

  it('is the same when only the key order differs, at every depth', () => {
    assert.equal(requestFingerprint(reordered), requestFingerprint(body));
  });

  it('differs when a quantity changes', () => {
    const changed = { ...body, items: [{ ...body.items[0], quantity: 3 }, body.items[1]] };
    assert.notEqual(requestFingerprint(changed), requestFingerprint(body));
  });

  it('differs when the order lines are swapped', () => {
    const swapped = { ...body, items: [body.items[1], body.items[0]] };
    assert.notEqual(requestFingerprint(swapped), requestFingerprint(body));
  });

  it('differs when the payment token changes', () => {
    assert.notEqual(
      requestFingerprint({ ...body, payment: { token: 'tok_decline' } }),
      requestFingerprint(body),
    );
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

describe('compareIdempotentRequest', () => {
  it('replays when the same key comes with the same body', () => {
    assert.equal(compareIdempotentRequest(requestFingerprint(body), requestFingerprint(reordered)), 'replay');
  });

  it('reports a mismatch when the same key comes with another body', () => {
    const other = requestFingerprint({ ...body, currency: 'USD' });
    assert.equal(compareIdempotentRequest(requestFingerprint(body), other), 'mismatch');
  });
});

describe('Idempotency-Key header', () => {
  it('is optional', () => {
    assert.deepEqual(parseIdempotencyKey(undefined), { ok: true, value: null });
  });

  it('accepts a uuid-like key', () => {
    assert.deepEqual(parseIdempotencyKey('order-2025-03-01-0001'), {
      ok: true,
      value: 'order-2025-03-01-0001',
    });
  });

  for (const [what, raw] of [
    ['an empty key', ''],
    ['a key with a space', 'my key'],
    ['a key of 256 characters', 'k'.repeat(256)],
    ['a repeated header', ['a', 'b']],
  ] as const) {
    it(`rejects ${what}, naming the header`, () => {
      const result = parseIdempotencyKey(raw);
      assert.equal(result.ok === false && result.error.field, 'Idempotency-Key');
    });
  }
});

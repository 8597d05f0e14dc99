import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskJson, maskText } from '../src/domain/masking.ts';

describe('masking e-mail addresses', () => {
  it('keeps the first letter and the domain', () => {
    assert.equal(
      maskText('to ann.smith@example.com, cc b@shop.test'),
      'to a•••@example.com, cc b•••@shop.test',
    );
    assert.equal(maskText('no address here'), 'no address here');
  });

  it('masks every text inside a JSON value, not its field names', () => {
    assert.deepEqual(
      maskJson({ customer: { email: 'ann@example.com', tags: ['x@y.io', 3] }, 'z@w.io': true, n: null }),
      { customer: { email: 'a•••@example.com', tags: ['x•••@y.io', 3] }, 'z@w.io': true, n: null },
    );
  });
});

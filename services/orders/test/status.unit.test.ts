import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type OrderStatus, orderStatuses } from '@microshop/contracts';
import { InvalidTransitionError } from '../src/domain/errors.ts';
import { assertTransition, canTransition, isTerminal, reachableFrom } from '../src/domain/status.ts';

// Written out from the documented status machine rather than read from the code under test.
const allowed = new Set([
  'CREATED→VALIDATED',
  'CREATED→FAILED',
  'CREATED→CANCELLED',
  'VALIDATED→APPROVED',
  'VALIDATED→FAILED',
  'VALIDATED→CANCELLED',
  'APPROVED→SHIPPED',
  'APPROVED→CANCELLED',
  'SHIPPED→DELIVERED',
]);

describe('order status machine', () => {
  for (const from of orderStatuses) {
    for (const to of orderStatuses) {
      if (allowed.has(`${from}→${to}`)) {
        it(`allows ${from} → ${to}`, () => {
          assert.equal(canTransition(from, to), true);
          assert.doesNotThrow(() => assertTransition(from, to));
        });
      } else {
        it(`refuses ${from} → ${to} with an error naming both`, () => {
          assert.equal(canTransition(from, to), false);
          assert.throws(
            () => assertTransition(from, to),
            (error: unknown) =>
              error instanceof InvalidTransitionError &&
              error.code === 'INVALID_TRANSITION' &&
              error.from === from &&
              error.to === to &&
              error.message === `cannot change from ${from} to ${to}`,
          );
        });
      }
    }
  }

  const terminal: OrderStatus[] = ['DELIVERED', 'FAILED', 'CANCELLED'];
  for (const status of orderStatuses) {
    const expected = terminal.includes(status);
    it(`says ${status} is ${expected ? '' : 'not '}terminal`, () => {
      assert.equal(isTerminal(status), expected);
    });
  }

  it('reaches every other status from CREATED', () => {
    assert.deepEqual(
      [...reachableFrom('CREATED')].sort(),
      ['APPROVED', 'CANCELLED', 'DELIVERED', 'FAILED', 'SHIPPED', 'VALIDATED'].sort(),
    );
  });

  it('reaches only SHIPPED, DELIVERED and CANCELLED from APPROVED', () => {
    assert.deepEqual([...reachableFrom('APPROVED')].sort(), ['CANCELLED', 'DELIVERED', 'SHIPPED']);
  });

  it('reaches nothing from a terminal status', () => {
    assert.equal(reachableFrom('FAILED').size, 0);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canStillReach, hasReached, parseTimeout, parseWaitFor } from '../src/domain/wait.ts';

describe('hasReached', () => {
  it('is true when the current status is wanted', () => {
    assert.equal(hasReached(['CREATED', 'VALIDATED'], ['VALIDATED']), true);
  });

  it('is true when a wanted status was passed earlier', () => {
    assert.equal(hasReached(['CREATED', 'VALIDATED', 'APPROVED', 'SHIPPED'], ['VALIDATED']), true);
  });

  it('is false when no wanted status has been reached yet', () => {
    assert.equal(hasReached(['CREATED', 'VALIDATED'], ['APPROVED', 'FAILED']), false);
  });

  it('is false for a failed order waited on for approval', () => {
    assert.equal(hasReached(['CREATED', 'FAILED'], ['APPROVED']), false);
  });

  it('reads a timeline as well as a list of statuses', () => {
    const timeline = [
      { status: 'CREATED', at: '2025-03-01T12:00:00.000Z' },
      { status: 'FAILED', at: '2025-03-01T12:00:01.000Z', reasons: ['TIMEOUT'] },
    ] as const;
    assert.equal(hasReached(timeline, ['APPROVED', 'FAILED']), true);
    assert.equal(hasReached(timeline, ['APPROVED']), false);
  });
});

describe('canStillReach', () => {
  it('is true while a wanted status lies ahead', () => {
    assert.equal(canStillReach('VALIDATED', ['DELIVERED']), true);
  });

  it('is true when the order is in a wanted status', () => {
    assert.equal(canStillReach('FAILED', ['FAILED']), true);
  });

  it('is false when the order ended elsewhere', () => {
    assert.equal(canStillReach('FAILED', ['APPROVED', 'SHIPPED']), false);
  });

  it('is false for a status that lies behind', () => {
    assert.equal(canStillReach('SHIPPED', ['VALIDATED']), false);
  });
});

describe('parseWaitFor', () => {
  it('means a plain GET when absent', () => {
    assert.deepEqual(parseWaitFor(undefined), { ok: true, value: null });
  });

  it('reads comma-separated statuses', () => {
    assert.deepEqual(parseWaitFor('APPROVED,FAILED'), { ok: true, value: ['APPROVED', 'FAILED'] });
  });

  it('tolerates spaces, lower case, duplicates and repeated parameters', () => {
    assert.deepEqual(parseWaitFor([' approved ,FAILED', 'APPROVED']), {
      ok: true,
      value: ['APPROVED', 'FAILED'],
    });
  });

  for (const [what, raw] of [
    ['an unknown status', 'APPROVED,PAID'],
    ['an empty value', ''],
    ['a trailing comma', 'APPROVED,'],
    ['a value that is not text', 42],
  ] as const) {
    it(`rejects ${what}, naming waitFor`, () => {
      const result = parseWaitFor(raw);
      assert.equal(result.ok === false && result.error.field, 'waitFor');
    });
  }

  it('names the unknown status in the message', () => {
    const result = parseWaitFor('PAID');
    assert.match(result.ok === false ? result.error.message : '', /PAID/);
  });
});

describe('parseTimeout', () => {
  const limits = { defaultMs: 5_000, maxMs: 30_000 };

  it('uses the default when absent', () => {
    assert.deepEqual(parseTimeout(undefined, limits), { ok: true, value: 5_000 });
  });

  it('reads milliseconds', () => {
    assert.deepEqual(parseTimeout('2500', limits), { ok: true, value: 2_500 });
  });

  it('accepts zero: answer at once', () => {
    assert.deepEqual(parseTimeout('0', limits), { ok: true, value: 0 });
  });

  it('caps a timeout above the maximum', () => {
    assert.deepEqual(parseTimeout('600000', limits), { ok: true, value: 30_000 });
  });

  it('caps a default above the maximum', () => {
    assert.deepEqual(parseTimeout(undefined, { defaultMs: 60_000, maxMs: 30_000 }), {
      ok: true,
      value: 30_000,
    });
  });

  it('accepts a number already coerced by the HTTP layer', () => {
    assert.deepEqual(parseTimeout(1_000, limits), { ok: true, value: 1_000 });
  });

  for (const raw of ['-1', '1.5', 'abc', '', '1e3', ' 10', -5]) {
    it(`rejects ${JSON.stringify(raw)}, naming timeout`, () => {
      const result = parseTimeout(raw, limits);
      assert.equal(result.ok === false && result.error.field, 'timeout');
    });
  }
});

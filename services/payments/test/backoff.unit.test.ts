import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffSchedule, withJitter } from '../src/domain/backoff.ts';

test('the waits double from the initial one up to the cap, one fewer than the attempts', () => {
  assert.deepEqual(
    backoffSchedule({ maxAttempts: 6, initialMs: 200, maxMs: 1000 }),
    [200, 400, 800, 1000, 1000],
  );
  assert.deepEqual(backoffSchedule({ maxAttempts: 1, initialMs: 200, maxMs: 1000 }), []);
});

test('jitter keeps at least half the wait and never more than all of it', () => {
  assert.equal(withJitter(1000, 0), 500);
  assert.equal(withJitter(1000, 0.999), 1000);
  assert.equal(withJitter(1000, 0.5), 750);
});

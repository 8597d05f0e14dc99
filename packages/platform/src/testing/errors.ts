import assert from 'node:assert/strict';

/**
 * The error `run` throws, checked to be an instance of `expected`, for a test to look into (its
 * issues, its code). Fails the test when `run` throws nothing or something else.
 */
export function thrownBy<E extends Error>(
  run: () => unknown,
  expected: abstract new (...args: never[]) => E,
): E {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof expected, `expected a ${expected.name}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected a ${expected.name} to be thrown`);
}

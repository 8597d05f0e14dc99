import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AppError,
  errorCodes,
  invalidTransition,
  isAppError,
  isErrorCode,
  notFound,
  timedOut,
  upstreamUnavailable,
  validationFailed,
} from '../src/errors.ts';
import { problemTypeUri } from '../src/http/problem.ts';

describe('the error registry', () => {
  test('the documented error codes have their fixed HTTP status', () => {
    const expected = {
      VALIDATION_FAILED: 400,
      NOT_FOUND: 404,
      CONFLICT: 409,
      INVALID_TRANSITION: 409,
      IDEMPOTENCY_KEY_REUSED: 422,
      PAYLOAD_TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      RATE_LIMITED: 429,
      TIMEOUT: 504,
      UPSTREAM_UNAVAILABLE: 503,
      BAD_GATEWAY: 502,
      INTERNAL: 500,
    };
    for (const [code, status] of Object.entries(expected)) {
      assert.ok(isErrorCode(code), code);
      assert.equal(errorCodes[code].status, status, code);
    }
  });

  test('every code is an HTTP error status with a title and a distinct problem type', () => {
    const types = new Set<string>();
    for (const [code, spec] of Object.entries(errorCodes)) {
      assert.ok(spec.status >= 400 && spec.status <= 599, code);
      assert.ok(spec.title.length > 0, code);
      if (isErrorCode(code)) types.add(problemTypeUri(code));
    }
    assert.equal(types.size, Object.keys(errorCodes).length);
  });

  test('client mistakes are not retriable and transient failures are', () => {
    assert.equal(validationFailed([]).retriable, false);
    assert.equal(notFound('Order', '1').retriable, false);
    assert.equal(invalidTransition('Order', 'SHIPPED', 'CREATED').retriable, false);
    assert.equal(timedOut('payment').retriable, true);
    assert.equal(upstreamUnavailable('db').retriable, true);
  });

  test('a single error may override the retriable default of its code', () => {
    assert.equal(new AppError('NOT_FOUND', 'not yet replicated', { retriable: true }).retriable, true);
  });
});

describe('AppError constructors', () => {
  test('an invalid transition names both statuses', () => {
    const error = invalidTransition('Order', 'SHIPPED', 'CANCELLED');
    assert.equal(error.code, 'INVALID_TRANSITION');
    assert.equal(error.status, 409);
    assert.equal(error.message, 'Order cannot change from SHIPPED to CANCELLED');
  });

  test('a validation failure carries its fields and summarises them in the message', () => {
    const error = validationFailed([
      { field: 'items[0].unitPrice', rule: 'catalogPrice', message: 'is not 1299' },
    ]);
    assert.deepEqual(error.fields, [
      { field: 'items[0].unitPrice', rule: 'catalogPrice', message: 'is not 1299' },
    ]);
    assert.equal(error.message, 'Invalid input: items[0].unitPrice (catalogPrice)');
  });

  test('the cause is kept for the logs', () => {
    const cause = new Error('ECONNREFUSED');
    const error = upstreamUnavailable('Payment provider unavailable', cause);
    assert.equal(error.cause, cause);
    assert.ok(isAppError(error));
    assert.ok(!isAppError(cause));
  });
});

import { concurrentUpdate, timedOut, upstreamUnavailable } from '../errors.ts';

/**
 * Which database failures are worth another try. A serialization failure or deadlock means the
 * same transaction succeeds when run again; a lost connection may succeed on another one.
 * Everything else (constraint violations, SQL mistakes) passes through unchanged: retrying would
 * fail the same way, and the caller may want to map it (a unique violation to CONFLICT).
 */

export const pgErrorCodes = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  lockNotAvailable: '55P03',
  queryCanceled: '57014',
} as const;

/** SQLSTATEs of a server going away or refusing connections. */
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300']);
const networkErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/** The SQLSTATE (or Node network error code) of a pg error, if it has one. */
export function pgErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** True for a unique violation, optionally only of the named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (pgErrorCode(error) !== pgErrorCodes.uniqueViolation) return false;
  return constraint === undefined || (error as { constraint?: string }).constraint === constraint;
}

/** Maps retriable database failures to retriable AppErrors; returns anything else unchanged. */
export function mapPgError(error: unknown): unknown {
  const code = pgErrorCode(error);
  if (code === pgErrorCodes.serializationFailure || code === pgErrorCodes.deadlockDetected) {
    return concurrentUpdate('Concurrent update in the database; the transaction can be retried', error);
  }
  if (code === pgErrorCodes.lockNotAvailable) {
    return concurrentUpdate('A row is locked by another transaction', error);
  }
  if (code === pgErrorCodes.queryCanceled) {
    return timedOut('Database statement timed out', error);
  }
  if (isConnectionFailure(error, code)) {
    return upstreamUnavailable('Database unavailable', error);
  }
  return error;
}

function isConnectionFailure(error: unknown, code: string | undefined): boolean {
  if (
    code !== undefined &&
    (code.startsWith('08') || unavailableStates.has(code) || networkErrorCodes.has(code))
  ) {
    return true;
  }
  // node-postgres reports these as plain Errors without a code.
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
    message,
  );
}

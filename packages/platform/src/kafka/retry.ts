// How the consumer decides between "try again" and "park it on the dead-letter topic".
import { mapPgError } from '../db/pg-errors.ts';
import { isAppError } from '../errors.ts';

export { type BackoffOptions, backoffDelay } from '../pure/backoff.ts';

/**
 * What a handler's failure says about trying again:
 *
 *   unavailable  something we depend on is down (PostgreSQL, Kafka, a provider's 5xx or timeout, SMTP):
 *                wait and try again for as long as it takes; never dead-letter for it
 *   transient    the same work succeeds when run again (a serialization failure, a deadlock): retry
 *   permanent    no retry changes it (undecodable, breaks its schema, refused by a business rule):
 *                dead-letter at once
 *   unknown      anything else (a bug): a few more tries, then dead-letter, so one broken message
 *                does not hold its partition for good; redrive it once the cause is fixed
 */
export type FailureClass = 'unavailable' | 'transient' | 'permanent' | 'unknown';

const unavailableCodes = new Set<string>(['UPSTREAM_UNAVAILABLE', 'BAD_GATEWAY', 'TIMEOUT']);

export function classifyFailure(error: unknown): FailureClass {
  if (typeof error !== 'object' || error === null) return 'unknown';
  // A pg error thrown outside withTransaction (a pool.query) has not been mapped yet.
  const mapped = mapPgError(error);
  if (isAppError(mapped)) {
    if (!mapped.retriable) return 'permanent';
    return unavailableCodes.has(mapped.code) ? 'unavailable' : 'transient';
  }
  const flagged = (error as { retriable?: unknown }).retriable;
  if (flagged === false || (error as { name?: unknown }).name === 'ZodError') return 'permanent';
  if (isNetworkFailure(error)) return 'unavailable';
  return flagged === true ? 'transient' : 'unknown';
}

/** Kafka client errors that the client itself says can be retried, timeouts and refused sockets. */
function isNetworkFailure(error: object): boolean {
  const { name, code, canRetry, cause } = error as {
    name?: unknown;
    code?: unknown;
    canRetry?: unknown;
    cause?: unknown;
  };
  if (name === 'TimeoutError' || name === 'AbortError') return true;
  if (typeof code === 'string' && code.startsWith('PLT_KFK_') && canRetry === true) return true;
  if (typeof code === 'string' && networkCodes.has(code)) return true;
  return typeof cause === 'object' && cause !== null && isNetworkFailure(cause);
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/** Whether trying again may help: everything but a permanent failure. */
export function isRetriable(error: unknown): boolean {
  return classifyFailure(error) !== 'permanent';
}

/** A stable code for the dead-letter headers: the error's `code`, else its class name. */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') return String(code);
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name.length > 0) return name;
  }
  return 'UNKNOWN';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
}

/** Waits `ms`; resolves `false` at once if `signal` aborts first (shutdown must not wait out a backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

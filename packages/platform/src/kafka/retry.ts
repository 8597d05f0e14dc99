// How the consumer decides between "try again" and "park it on the dead-letter topic".
export { type BackoffOptions, backoffDelay } from '../pure/backoff.ts';

/**
 * Whether an error thrown by a handler may go away on a retry. The kit's errors carry `retriable`;
 * a schema validation failure (zod) never goes away; anything unknown (a lost connection, a deadlock)
 * gets the benefit of the doubt.
 */
export function isRetriable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  if ((error as { retriable?: unknown }).retriable === false) return false;
  return (error as { name?: unknown }).name !== 'ZodError';
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

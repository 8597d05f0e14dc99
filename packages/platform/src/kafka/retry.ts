// How the consumer decides between "try again" and "park it on the dead-letter topic".

export interface BackoffOptions {
  /** Delay before the second attempt; each further attempt doubles it. */
  initialMs: number;
  maxMs: number;
  /** 0..1 (Math.random by default): spreads retries of many consumers so they do not hit a recovering database together. */
  random?: () => number;
}

/**
 * Delay before the attempt after `failedAttempt` (1-based): exponential, capped, with "equal jitter"
 * (half fixed, half random) so the delay never collapses to zero.
 */
export function backoffDelay(failedAttempt: number, options: BackoffOptions): number {
  const exponent = Math.max(0, failedAttempt - 1);
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** exponent);
  const random = options.random ?? Math.random;
  const half = ceiling / 2;
  return Math.round(half + half * random());
}

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

/**
 * What a failed upstream call means for the caller. The one distinction that matters is whether
 * the request could have reached the service: only when it certainly did not (the connection was
 * never established) is it safe to send it to another instance — even a POST, since nothing of it
 * was sent. Anything later might have had an effect, so it is answered, never retried.
 */

export type UpstreamFailure = 'not-sent' | 'timeout' | 'failed';

/** Errors raised while connecting, before a byte of the request was written. */
const connectErrorCodes = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** undici's own timeouts (the pool's backstops behind the gateway's overall deadline). */
const timeoutErrorCodes = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export function classifyUpstreamError(error: unknown): UpstreamFailure {
  const code = errorCode(error);
  if (code !== undefined && connectErrorCodes.has(code)) return 'not-sent';
  if (code !== undefined && timeoutErrorCodes.has(code)) return 'timeout';
  return 'failed';
}

/** The `code` of an error or of its cause (undici wraps some socket errors). */
export function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; depth < 3; depth++) {
    if (typeof current !== 'object' || current === null) return undefined;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

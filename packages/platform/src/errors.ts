/**
 * The one error class of microshop. Every failure a caller can act on is an `AppError` with a code
 * from the fixed registry below; the code decides the HTTP status (for the problem+json answer) and
 * whether trying again can help (`retriable`: the Kafka consumer dead-letters a message at once
 * when its handler throws an error with `retriable === false`, and retries otherwise).
 */

export interface ErrorCodeSpec {
  status: number;
  title: string;
  retriable: boolean;
}

export const errorCodes = {
  // First among the 400s: the fallback for other client errors of that status (see http/problem.ts).
  MALFORMED_REQUEST: { status: 400, title: 'Malformed request', retriable: false },
  VALIDATION_FAILED: { status: 400, title: 'Validation failed', retriable: false },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required', retriable: false },
  FORBIDDEN: { status: 403, title: 'Forbidden', retriable: false },
  NOT_FOUND: { status: 404, title: 'Not found', retriable: false },
  CONFLICT: { status: 409, title: 'Conflict', retriable: false },
  INVALID_TRANSITION: { status: 409, title: 'Invalid status transition', retriable: false },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large', retriable: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type', retriable: false },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency key reused with a different request',
    retriable: false,
  },
  RATE_LIMITED: { status: 429, title: 'Too many requests', retriable: true },
  INTERNAL: { status: 500, title: 'Internal error', retriable: false },
  BAD_GATEWAY: { status: 502, title: 'Bad gateway', retriable: true },
  UPSTREAM_UNAVAILABLE: { status: 503, title: 'Upstream unavailable', retriable: true },
  /** A serialization failure or deadlock: the same work succeeds when run again. */
  CONCURRENT_UPDATE: { status: 503, title: 'Concurrent update, try again', retriable: true },
  TIMEOUT: { status: 504, title: 'Timed out', retriable: true },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof errorCodes;

/** One offending input field. `field` is a path like `items[0].quantity`; `rule` the broken rule. */
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

export interface AppErrorOptions {
  fields?: readonly FieldError[];
  cause?: unknown;
  /** Overrides the code's default, e.g. a NOT_FOUND that is only a race with another consumer. */
  retriable?: boolean;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly retriable: boolean;
  readonly fields: readonly FieldError[];

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const spec: ErrorCodeSpec = errorCodes[code];
    this.code = code;
    this.status = spec.status;
    this.title = spec.title;
    this.retriable = options.retriable ?? spec.retriable;
    this.fields = options.fields ?? [];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errorCodes, code);
}

// Constructors for the common cases: they keep messages uniform across services.

export function validationFailed(fields: readonly FieldError[], message?: string): AppError {
  const summary = fields.map((f) => `${f.field} (${f.rule})`).join(', ');
  return new AppError('VALIDATION_FAILED', message ?? `Invalid input: ${summary}`, { fields });
}

export function malformedRequest(message: string, cause?: unknown): AppError {
  return new AppError('MALFORMED_REQUEST', message, { cause });
}

export function notFound(entity: string, id: string): AppError {
  return new AppError('NOT_FOUND', `${entity} ${id} not found`);
}

export function conflict(message: string): AppError {
  return new AppError('CONFLICT', message);
}

/** "cannot change from X to Y": names both ends so the caller can tell what happened. */
export function invalidTransition(entity: string, from: string, to: string): AppError {
  return new AppError('INVALID_TRANSITION', `${entity} cannot change from ${from} to ${to}`);
}

export function idempotencyKeyReused(key: string): AppError {
  return new AppError(
    'IDEMPOTENCY_KEY_REUSED',
    `Idempotency-Key ${key} was already used with a different request body`,
  );
}

export function payloadTooLarge(limitBytes?: number): AppError {
  const limit = limitBytes === undefined ? '' : ` (limit ${limitBytes} bytes)`;
  return new AppError('PAYLOAD_TOO_LARGE', `Request body is too large${limit}`);
}

export function unsupportedMediaType(contentType: string | undefined): AppError {
  return new AppError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Content-Type ${contentType ?? '(none)'} is not supported; send application/json`,
  );
}

export function rateLimited(message = 'Too many requests'): AppError {
  return new AppError('RATE_LIMITED', message);
}

export function timedOut(message: string, cause?: unknown): AppError {
  return new AppError('TIMEOUT', message, { cause });
}

export function upstreamUnavailable(message: string, cause?: unknown): AppError {
  return new AppError('UPSTREAM_UNAVAILABLE', message, { cause });
}

export function badGateway(message: string, cause?: unknown): AppError {
  return new AppError('BAD_GATEWAY', message, { cause });
}

export function concurrentUpdate(message: string, cause?: unknown): AppError {
  return new AppError('CONCURRENT_UPDATE', message, { cause });
}

export function internalError(message: string, cause?: unknown): AppError {
  return new AppError('INTERNAL', message, { cause });
}

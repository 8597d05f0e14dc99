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
  /** What happened, for the caller: docs/errors.md and the gateway's /api/errors are made from it. */
  meaning: string;
  /** What the caller can do about it. */
  action: string;
}

export const errorCodes = {
  // First among the 400s: the fallback for other client errors of that status (see http/problem.ts).
  MALFORMED_REQUEST: {
    status: 400,
    title: 'Malformed request',
    retriable: false,
    meaning:
      'The request could not be read: the body is not JSON, is empty while declaring JSON, or the HTTP ' +
      'request itself is ill-formed. Nothing was done.',
    action: 'Fix the request; sending it again unchanged gets the same answer.',
  },
  VALIDATION_FAILED: {
    status: 400,
    title: 'Validation failed',
    retriable: false,
    meaning:
      'The request was read but breaks a rule. `errors` names each offending field with the rule it ' +
      'breaks (`field`, `rule`, `message`). Nothing was written.',
    action: 'Correct the named fields and send the request again.',
  },
  UNAUTHENTICATED: {
    status: 401,
    title: 'Authentication required',
    retriable: false,
    meaning:
      'The route needs a signed-in caller and the request carries no valid bearer access token ' +
      '(missing, malformed or expired), or the credentials given to sign in are wrong.',
    action:
      'Sign in (or refresh the access token) and send it as `Authorization: Bearer <accessToken>`; ' +
      'the `WWW-Authenticate` header names the scheme.',
  },
  FORBIDDEN: {
    status: 403,
    title: 'Forbidden',
    retriable: false,
    meaning:
      'The caller is signed in but may not do this: the route is for operators (or for customers) only, ' +
      'or the request acts for another customer.',
    action: 'Use an account with the role the route needs; a customer acts only as themselves.',
  },
  NOT_FOUND: {
    status: 404,
    title: 'Not found',
    retriable: false,
    meaning:
      'There is no such resource, or no route for the path. Another customer’s resource gets the same ' +
      'answer, so an id reveals nothing about whether it exists.',
    action: 'Check the id and the path.',
  },
  CONFLICT: {
    status: 409,
    title: 'Conflict',
    retriable: false,
    meaning:
      'The request contradicts the current state, e.g. an email that is already registered, a unit ' +
      'price that differs from the catalog’s (the detail names the sku and both prices) or a stock ' +
      'below the units already reserved. Nothing was written.',
    action: 'Read the current state, adjust the request to it and send it again.',
  },
  INVALID_TRANSITION: {
    status: 409,
    title: 'Invalid status transition',
    retriable: false,
    meaning:
      'The resource’s status does not allow this change, e.g. cancelling an order that has shipped; ' +
      'the detail names both statuses.',
    action: 'Read the resource’s current status: the change is not possible from it.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'Payload too large',
    retriable: false,
    meaning: 'The request body is larger than the service accepts; it was not read.',
    action: 'Send a smaller body (for an order, fewer lines).',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported media type',
    retriable: false,
    meaning: 'The request body is not JSON.',
    action: 'Send the body as JSON with `Content-Type: application/json`.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency key reused with a different request',
    retriable: false,
    meaning: 'The `Idempotency-Key` was already used with a different request body.',
    action:
      'Use a new key for a new request. Sending the first body again with that key returns the first ' +
      'answer.',
  },
  RATE_LIMITED: {
    status: 429,
    title: 'Too many requests',
    retriable: true,
    meaning: 'This client sent more requests than its rate allows; the request was not carried out.',
    action: 'Wait the seconds the `Retry-After` header gives, then try again.',
  },
  INTERNAL: {
    status: 500,
    title: 'Internal error',
    retriable: false,
    meaning:
      'An unexpected error in the service. The detail says nothing more on purpose: it could hold data ' +
      'that is not the caller’s.',
    action:
      'Do not repeat it in a loop: report it, quoting `instance` (the request id, also in the ' +
      '`x-request-id` header).',
  },
  BAD_GATEWAY: {
    status: 502,
    title: 'Bad gateway',
    retriable: true,
    meaning:
      'A service behind the gateway (or a provider behind a service) failed after the request reached ' +
      'it, so whether it took effect is unknown.',
    action:
      'Read the resource to see whether the change happened, or send the request again with the same ' +
      '`Idempotency-Key` so it takes effect at most once.',
  },
  UPSTREAM_UNAVAILABLE: {
    status: 503,
    title: 'Upstream unavailable',
    retriable: true,
    meaning:
      'A service, or something it depends on (its database, a provider), is unavailable; the request ' +
      'was not carried out.',
    action: 'Try again after a short wait, waiting longer after each failure.',
  },
  /** A serialization failure or deadlock: the same work succeeds when run again. */
  CONCURRENT_UPDATE: {
    status: 503,
    title: 'Concurrent update, try again',
    retriable: true,
    meaning:
      'The change collided with a concurrent change of the same data (a serialization failure or a ' +
      'deadlock) and was rolled back.',
    action: 'Send the same request again: run again, it succeeds.',
  },
  TIMEOUT: {
    status: 504,
    title: 'Timed out',
    retriable: true,
    meaning:
      'No answer in time: a blocking GET did not see the order reach a `waitFor` status within its ' +
      '`timeout`, or a service did not answer the gateway in time.',
    action:
      'For a blocking GET, read the order or wait again. Otherwise read the resource, or retry (a ' +
      'write with the same `Idempotency-Key`).',
  },
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

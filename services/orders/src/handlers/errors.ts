import { AppError, type ErrorCode } from '@microshop/platform';
import type { OrderDomainError, OrderErrorCode } from '../domain/errors.ts';

/**
 * How each domain error code surfaces: the platform code decides the HTTP status. TOTAL_OVERFLOW is
 * a 400 naming `items` because the platform's fixed registry has no 422 for a rule broken by the
 * body; ORDER_MISMATCH is a bug upstream, not the caller's fault.
 */
const platformCodeOf = {
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  ORDER_NOT_FOUND: 'NOT_FOUND',
  ORDER_ALREADY_EXISTS: 'CONFLICT',
  ORDER_MISMATCH: 'INTERNAL',
  TOTAL_OVERFLOW: 'VALIDATION_FAILED',
  OUT_OF_ORDER: 'CONFLICT',
} as const satisfies Record<OrderErrorCode, ErrorCode>;

/**
 * The domain's error as the platform's AppError. `retriable` always comes from the domain, so a
 * consumer dead-letters an unknown order at once and retries a message that came too early.
 */
export function toAppError(error: OrderDomainError): AppError {
  const fields =
    error.field === undefined
      ? []
      : [{ field: error.field, rule: ruleOf(error.code), message: error.message }];
  return new AppError(platformCodeOf[error.code], error.message, {
    fields,
    retriable: error.retriable,
    cause: error,
  });
}

function ruleOf(code: OrderErrorCode): string {
  return code === 'TOTAL_OVERFLOW' ? 'maxTotal' : code.toLowerCase();
}

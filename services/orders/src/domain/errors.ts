import type { OrderStatus } from '@microshop/contracts';

// The orders domain's own errors. Adapters map `code` to HTTP (see the table below) and use
// `retriable` to decide between retrying a message and parking it on the dead-letter topic.
//   INVALID_TRANSITION   409  the status machine refuses the change ("cannot change from X to Y")
//   ORDER_NOT_FOUND      404  no such order
//   ORDER_ALREADY_EXISTS 409  CreateOrder for an id that is taken
//   ORDER_MISMATCH       —    a message was routed to the wrong order (a bug upstream)
//   TOTAL_OVERFLOW       422  Σ quantity × unitPrice exceeds 2^53 − 1 minor units (field `items`)
//   OUT_OF_ORDER         —    a message arrived before the change it builds on; retry it later
export const orderErrorCodes = [
  'INVALID_TRANSITION',
  'ORDER_NOT_FOUND',
  'ORDER_ALREADY_EXISTS',
  'ORDER_MISMATCH',
  'TOTAL_OVERFLOW',
  'OUT_OF_ORDER',
] as const;
export type OrderErrorCode = (typeof orderErrorCodes)[number];

export interface OrderErrorOptions {
  retriable?: boolean;
  /** The request field at fault, when one is. */
  field?: string;
}

export class OrderDomainError extends Error {
  override readonly name: string = 'OrderDomainError';
  readonly code: OrderErrorCode;
  /** True when the same message may succeed later, so a consumer retries instead of dead-lettering. */
  readonly retriable: boolean;
  readonly field: string | undefined;

  constructor(code: OrderErrorCode, message: string, options: OrderErrorOptions = {}) {
    super(message);
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.field = options.field;
  }
}

export class InvalidTransitionError extends OrderDomainError {
  override readonly name: string = 'InvalidTransitionError';
  readonly from: OrderStatus;
  readonly to: OrderStatus;

  constructor(from: OrderStatus, to: OrderStatus) {
    super('INVALID_TRANSITION', `cannot change from ${from} to ${to}`);
    this.from = from;
    this.to = to;
  }
}

/** A request value that breaks a rule: what a problem+json response lists per field. */
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: FieldError };

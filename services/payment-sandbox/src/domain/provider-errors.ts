/**
 * The sandbox's error answers, in the shape of a real card provider's API (`{error: {type, code,
 * message, …}}`), not problem+json: the sandbox stands in for a third party, and the payments
 * service's adapter must cope with that party's own format.
 */

export type ProviderErrorType = 'card_error' | 'invalid_request_error' | 'idempotency_error' | 'api_error';

export interface ProviderErrorBody {
  error: {
    type: ProviderErrorType;
    code?: string;
    decline_code?: string;
    param?: string;
    message: string;
  };
}

export interface ProviderError {
  status: number;
  body: ProviderErrorBody;
}

function providerError(status: number, error: ProviderErrorBody['error']): ProviderError {
  return { status, body: { error } };
}

export const cardDeclined = (): ProviderError =>
  providerError(402, {
    type: 'card_error',
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined.',
  });

export const outage = (status: number): ProviderError =>
  providerError(status, {
    type: 'api_error',
    message:
      status === 503
        ? 'The service is temporarily unavailable. Retry with the same Idempotency-Key.'
        : 'An error occurred while processing the request. Retry with the same Idempotency-Key.',
  });

export const idempotencyKeyMissing = (): ProviderError =>
  providerError(400, {
    type: 'invalid_request_error',
    code: 'idempotency_key_missing',
    message: 'An Idempotency-Key header is required for this request.',
  });

export const idempotencyKeyReused = (key: string): ProviderError =>
  providerError(422, {
    type: 'idempotency_error',
    code: 'idempotency_key_reused',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with (key ${key}).`,
  });

export type ParameterProblem = 'parameter_missing' | 'parameter_invalid' | 'parameter_unknown';

export const invalidParameter = (code: ParameterProblem, param: string, message: string): ProviderError =>
  providerError(400, { type: 'invalid_request_error', code, param, message });

export const malformedBody = (message: string): ProviderError =>
  providerError(400, { type: 'invalid_request_error', code: 'body_invalid', message });

export const unknownToken = (token: string): ProviderError =>
  providerError(400, {
    type: 'invalid_request_error',
    code: 'token_invalid',
    param: 'source',
    message: `No such token: '${token}'`,
  });

export const noSuchCharge = (id: string, param = 'id'): ProviderError =>
  providerError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param,
    message: `No such charge: '${id}'`,
  });

export const refundTooLarge = (requested: number, refundable: number): ProviderError =>
  providerError(400, {
    type: 'invalid_request_error',
    code: 'amount_too_large',
    param: 'amount',
    message: `Refund amount (${requested}) is greater than the amount left to refund on the charge (${refundable}).`,
  });

export const alreadyRefunded = (chargeId: string): ProviderError =>
  providerError(400, {
    type: 'invalid_request_error',
    code: 'charge_already_refunded',
    message: `Charge ${chargeId} has already been refunded.`,
  });

export const noSuchKey = (key: string): ProviderError =>
  providerError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param: 'key',
    message: `No request was made with the idempotency key '${key}'.`,
  });

export const unrecognizedUrl = (method: string, path: string): ProviderError =>
  providerError(404, {
    type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}).`,
  });

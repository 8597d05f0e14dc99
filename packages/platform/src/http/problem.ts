import type { FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorAnchor, errorCataloguePath } from '../error-catalogue.ts';
import {
  AppError,
  type ErrorCode,
  errorCodes,
  internalError,
  isAppError,
  malformedRequest,
  payloadTooLarge,
  unsupportedMediaType,
  validationFailed,
} from '../errors.ts';
import { fastifyValidationToFieldErrors } from './validation.ts';

/**
 * RFC 9457 problem details. Every error answer of every microshop service has this shape, so a
 * client (and the gateway) handles failures one way: `status` and `code` to branch on, `errors`
 * to show next to form fields, `instance` (the request id) to quote in a bug report.
 */

export const problemContentType = 'application/problem+json';

export const problemDetailsSchema = z
  .object({
    type: z.string().describe("The code's entry in the error catalogue (GET /api/errors on the gateway)"),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().describe('The request id (also in the x-request-id header)'),
    code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]),
    errors: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })),
  })
  .meta({ id: 'Problem' });

export type ProblemDetails = z.infer<typeof problemDetailsSchema>;

/**
 * The code's entry in the error catalogue: a reference relative to the API's origin, which the gateway
 * answers with the catalogue page (docs/errors.md holds the same entries under the same anchors).
 */
export function problemTypeUri(code: ErrorCode): string {
  return `${errorCataloguePath}#${errorAnchor(code)}`;
}

export function toProblem(error: AppError, instance: string): ProblemDetails {
  const problem: ProblemDetails = {
    type: problemTypeUri(error.code),
    title: error.title,
    status: error.status,
    // A 5xx detail never carries an unexpected error's message: it may hold SQL, paths or data.
    detail: error.code === 'INTERNAL' ? internalDetail : error.message,
    instance,
    code: error.code,
    errors: [...error.fields],
  };
  return problem;
}

const internalDetail = 'An unexpected error occurred. Quote the instance (request id) when reporting it.';

/**
 * Normalises anything a route, hook or fastify itself can throw into an AppError.
 * Fastify's own errors carry `code` (FST_ERR_*) and `statusCode`; schema validation errors carry
 * `validation` and `validationContext`.
 */
export function toAppError(error: unknown, request: FastifyRequest): AppError {
  if (isAppError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext ?? 'body';
    const input = (request as unknown as Record<string, unknown>)[context];
    return validationFailed(fastifyValidationToFieldErrors(error.validation, input, `(${context})`));
  }
  const code = fastifyCode(error);
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge(request.routeOptions.bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType(request.headers['content-type']);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return malformedRequest('Request body is not valid JSON', error);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return malformedRequest('Request body is empty but Content-Type is application/json', error);
  }
  return fromStatusCode(error) ?? internalError('Unexpected error', error);
}

function fastifyCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Other client errors raised by fastify or a plugin (bad Content-Length, a too-long URL, …) keep
 * their 4xx meaning under the closest registered code; we never turn a client's mistake into a 5xx.
 */
function fromStatusCode(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  const status = error.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const code = (Object.keys(errorCodes) as ErrorCode[]).find((c) => errorCodes[c].status === status);
  const message = error instanceof Error ? error.message : 'Bad request';
  return new AppError(code ?? 'MALFORMED_REQUEST', message, { cause: error });
}

import { problemDetailsSchema } from '@microshop/platform';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../handlers/dead-letter-actions.ts';

/** The problems any operations route may answer with, besides its own answer. */
export const problems = {
  400: problemDetailsSchema,
  404: problemDetailsSchema,
  409: problemDetailsSchema,
  503: problemDetailsSchema,
};

/** A route's options: for operators only (`x-access`), with a summary for the OpenAPI document. */
export function operatorRoute<S extends object>(summary: string, schema: S) {
  return { schema: { 'x-access': 'operator' as const, summary, ...schema } };
}

/** Who acts: the verified caller; 'anonymous' only where access control is off (tests without an issuer). */
export function actorOf(request: FastifyRequest): Actor {
  return { actor: request.principal?.subject ?? 'anonymous', requestId: request.id };
}

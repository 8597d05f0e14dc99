import type { FastifyInstance } from 'fastify';
import { noSuchKey } from '../domain/provider-errors.ts';
import type { IdempotencyStore } from './idempotency.ts';

/**
 * GET /v1/idempotency_keys/{key}: what became of the request a client made with a key, as providers
 * let a client ask after it lost the answer (it timed out, or crashed mid-call):
 *   200 {object: 'idempotency_key', key, operation: charge|refund, status, response}
 *       status `completed` (response: the final answer, a charge, a refund or a refusal),
 *       `in_progress` (an attempt is running), `retryable` (the last attempt met an outage)
 *   404 resource_missing: no request with that key ever reached the provider's ledger.
 */
export function registerKeyLookup(scope: FastifyInstance, keys: IdempotencyStore): void {
  scope.get<{ Params: { key: string } }>(
    '/idempotency_keys/:key',
    { schema: { hide: true } },
    async (request, reply) => {
      const found = keys.lookup(request.params.key);
      if (found === null) {
        const missing = noSuchKey(request.params.key);
        return reply.status(missing.status).send(missing.body);
      }
      return { object: 'idempotency_key', ...found };
    },
  );
}

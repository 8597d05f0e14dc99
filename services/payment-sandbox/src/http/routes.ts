import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  answerOnceJournaled,
  buildHttpApp,
  createFaultSwitch,
  type FaultSwitch,
  type HttpApp,
  type HttpBase,
  type HttpOutage,
  type Journal,
  unreachable,
} from '@microshop/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  cardDeclined,
  idempotencyKeyMissing,
  idempotencyKeyReused,
  malformedBody,
  noSuchCharge,
  outage,
  type ProviderError,
  unknownToken,
  unrecognizedUrl,
} from '../domain/provider-errors.ts';
import { attemptOutcome, type BehaviourSettings, behaviourOf } from '../domain/tokens.ts';
import { createLedger, type Ledger, type LedgerDeps } from '../store/ledger.ts';
import {
  createIdempotencyStore,
  type Execution,
  fingerprintOf,
  type IdempotencyStore,
  type KeyRecord,
} from './idempotency.ts';
import { registerKeyLookup } from './lookup.ts';
import { registerOutage } from './outage.ts';
import {
  type ChargeRequest,
  chargeListQuerySchema,
  chargeRequestSchema,
  parseParams,
  refundListQuerySchema,
  refundRequestSchema,
} from './schemas.ts';

/**
 * The sandbox's provider API, shaped like a card provider's:
 *   POST /v1/charges           {amount, currency, source, metadata}   Idempotency-Key required
 *   GET  /v1/charges/{id}      one charge
 *   GET  /v1/charges?orderId=  the charges whose metadata.orderId matches (a list object)
 *   POST /v1/refunds           {charge, amount?}                      Idempotency-Key required
 *   GET  /v1/refunds?charge=   the refunds of a charge
 *   GET  /v1/idempotency_keys/{key}   what became of the request made with a key
 * Answers and errors are the provider's JSON, not problem+json; the kit's /health, /ready and
 * /metrics are there as in every service, and operators switch an outage on and off at
 * /api/v1/outage (outage.ts).
 */

export const idempotencyKeyHeader = 'idempotency-key';
/** Set on an answer repeated for a request already processed with the same key. */
export const replayedHeader = 'idempotent-replayed';

export interface HttpDeps extends HttpBase {
  settings: BehaviourSettings;
  /** Default: random hex ids and the real clock. */
  ledger?: LedgerDeps;
  /** Where final answers are kept across restarts; default: in memory only. */
  journal?: Journal<KeyRecord>;
  /** The outage switch (main shares it with nothing else; tests hold it). */
  faults?: FaultSwitch<HttpOutage>;
}

/** The app with every route, not listening: the kit listens, tests use `inject` or port 0. */
export async function build({
  settings,
  ledger: ledgerDeps,
  journal,
  faults,
  ...base
}: HttpDeps): Promise<HttpApp> {
  const app = await buildHttpApp({
    serviceName: 'payment-sandbox',
    ...base,
    openapi: {
      title: 'microshop payment sandbox',
      version: '0.1.0',
      description: 'A local stand-in for a card payment provider (test tokens, idempotency keys).',
    },
  });
  const ledger = createLedger(ledgerDeps ?? defaultLedgerDeps);
  const keys = createIdempotencyStore(journal);
  for (const record of journal?.records ?? []) {
    keys.restore(record);
    ledger.restore(record);
  }
  if (journal !== undefined) answerOnceJournaled(app, journal);
  registerOutage(app, faults ?? createFaultSwitch<HttpOutage>());
  await app.register(
    async (scope) => {
      installProviderErrors(scope);
      registerCharges(scope, ledger, keys, settings);
      registerRefunds(scope, ledger, keys);
      registerKeyLookup(scope, keys);
    },
    { prefix: '/v1' },
  );
  return app;
}

const defaultLedgerDeps: LedgerDeps = {
  newId: (prefix) => `${prefix}_${randomBytes(12).toString('hex')}`,
  now: () => new Date(),
};

/**
 * A provider's API, not microshop's: out of the merged document, and public to microshop's access
 * control (payments calls it with no token; a real provider would want its own API key).
 */
const hidden = { schema: { hide: true, 'x-access': 'public' as const } };

function registerCharges(
  scope: FastifyInstance,
  ledger: Ledger,
  keys: IdempotencyStore,
  settings: BehaviourSettings,
): void {
  scope.post('/charges', hidden, async (request, reply) => {
    const key = idempotencyKeyOf(request);
    if (key === undefined) return sendError(reply, idempotencyKeyMissing());
    const parsed = parseParams(chargeRequestSchema, request.body);
    if (!parsed.ok) return sendError(reply, parsed.error);
    const behaviour = behaviourOf(parsed.value.source);
    if (behaviour === null) return sendError(reply, unknownToken(parsed.value.source));
    const fingerprint = fingerprintOf('POST', '/v1/charges', request.body);
    const result = await keys.run(key, fingerprint, 'charge', (attempt) =>
      executeCharge(ledger, parsed.value, attemptOutcome(behaviour, attempt, settings)),
    );
    return sendKeyed(reply, key, result);
  });

  scope.get<{ Params: { id: string } }>('/charges/:id', hidden, async (request, reply) => {
    const charge = ledger.findCharge(request.params.id);
    return charge === undefined ? sendError(reply, noSuchCharge(request.params.id)) : charge;
  });

  scope.get('/charges', hidden, async (request, reply) => {
    const query = parseParams(chargeListQuerySchema, request.query);
    if (!query.ok) return sendError(reply, query.error);
    return listObject('/v1/charges', ledger.listCharges(query.value));
  });
}

async function executeCharge(
  ledger: Ledger,
  request: ChargeRequest,
  outcome: ReturnType<typeof attemptOutcome>,
): Promise<Execution> {
  switch (outcome.kind) {
    case 'charge': {
      // The charge exists only once the (slow) provider is done, as with a real card network.
      if (outcome.delayMs > 0) await delay(outcome.delayMs);
      const { amount, currency, metadata = {} } = request;
      return {
        response: { status: 201, body: ledger.addCharge({ amount, currency, metadata }) },
        final: true,
      };
    }
    case 'decline':
      return { response: cardDeclined(), final: true };
    case 'outage':
      return { response: outage(outcome.status), final: false };
    default:
      return unreachable(outcome);
  }
}

function registerRefunds(scope: FastifyInstance, ledger: Ledger, keys: IdempotencyStore): void {
  scope.post('/refunds', hidden, async (request, reply) => {
    const key = idempotencyKeyOf(request);
    if (key === undefined) return sendError(reply, idempotencyKeyMissing());
    const parsed = parseParams(refundRequestSchema, request.body);
    if (!parsed.ok) return sendError(reply, parsed.error);
    const fingerprint = fingerprintOf('POST', '/v1/refunds', request.body);
    const result = await keys.run(key, fingerprint, 'refund', async () => {
      const refunded = ledger.refund(parsed.value.charge, parsed.value.amount);
      return { response: refunded.ok ? { status: 201, body: refunded.refund } : refunded.error, final: true };
    });
    return sendKeyed(reply, key, result);
  });

  scope.get('/refunds', hidden, async (request, reply) => {
    const query = parseParams(refundListQuerySchema, request.query);
    if (!query.ok) return sendError(reply, query.error);
    return listObject('/v1/refunds', ledger.listRefunds(query.value));
  });
}

function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const value = request.headers[idempotencyKeyHeader];
  return typeof value === 'string' && value.trim() !== '' && value.length <= 255 ? value : undefined;
}

function sendKeyed(
  reply: FastifyReply,
  key: string,
  result: Awaited<ReturnType<IdempotencyStore['run']>>,
): FastifyReply {
  if (result.kind === 'reused') return sendError(reply, idempotencyKeyReused(key));
  if (result.kind === 'replay') reply.header(replayedHeader, 'true');
  return reply.status(result.response.status).send(result.response.body);
}

function sendError(reply: FastifyReply, error: ProviderError): FastifyReply {
  return reply.status(error.status).send(error.body);
}

function listObject<T>(url: string, data: T[]) {
  return { object: 'list' as const, url, has_more: false, data };
}

/** Malformed JSON, a wrong content type, an unknown URL: the provider's error shape here too. */
function installProviderErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((error: { statusCode?: number; message?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send(malformedBody(error.message ?? 'Invalid request').body);
    }
    request.log.error({ err: error }, 'sandbox request failed');
    return sendError(reply, outage(500));
  });
  scope.setNotFoundHandler((request, reply) =>
    sendError(reply, unrecognizedUrl(request.method, request.url.split('?')[0] ?? request.url)),
  );
}

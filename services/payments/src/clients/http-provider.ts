import {
  AppError,
  type CircuitBreakerSettings,
  createHttpClient,
  type HttpAnswer,
  type HttpClient,
  type HttpRetrySettings,
  type Logger,
} from '@microshop/platform';
import type { ChargeOutcome } from '../domain/decide.ts';
import type { ProviderCharge } from '../domain/events.ts';
import type { KeyLookup } from '../domain/reconciliation.ts';
import type { CallOptions, PaymentProvider, RefundCall, RefundResult } from './payment-provider.ts';
import { chargeListSchema, chargeSchema, errorMessageOf, keyLookupSchema, refundSchema } from './wire.ts';

/**
 * The payment provider over HTTP, in the card-provider dialect the payment sandbox speaks
 * (`POST /v1/charges`, `POST /v1/refunds`, `Idempotency-Key`), through the kit's HTTP client: each
 * attempt has its own timeout; a timeout, a connection error, 409 (the key's first request is still
 * in progress), 429 and 5xx are retried with backoff and the same key, a bounded number of times.
 * 402 is a decline; any other 4xx a refusal with the provider's message.
 */

export interface HttpProviderOptions {
  baseUrl: string;
  /** Per attempt; shorter than the sandbox's slow token, so the slow path goes through a retry. */
  timeoutMs: number;
  /** Attempts of one request (same idempotency key) and the waits between them. */
  retry: Omit<HttpRetrySettings, 'retryStatus'>;
  /** Shared by every call: a provider that keeps failing is not called for a while (calls fail at once). */
  circuitBreaker?: CircuitBreakerSettings;
  logger: Logger;
}

export interface HttpPaymentProvider extends PaymentProvider {
  /** Closes the connection pool (a stop step of the service). */
  close(): Promise<void>;
}

/** Worth another attempt with the same key: the provider did not give its verdict. */
export function isTransient(status: number): boolean {
  return status === 409 || status === 429 || status >= 500;
}

export function createHttpProvider(options: HttpProviderOptions): HttpPaymentProvider {
  const http = createHttpClient({
    name: 'payment provider',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    retry: { ...options.retry, retryStatus: isTransient },
    agent: { connections: 32, keepAliveTimeoutMs: 10_000 },
    circuitBreaker: options.circuitBreaker,
    logger: options.logger,
  });
  return {
    async charge(call, callOptions) {
      const json = {
        amount: call.amount,
        currency: call.currency,
        source: call.token,
        metadata: { orderId: call.orderId },
      };
      const answer = await post(http, '/v1/charges', json, call.idempotencyKey, callOptions);
      return withoutToken(chargeOutcome(answer), call.token);
    },
    async refund(call, callOptions) {
      const json = { charge: call.paymentId, amount: call.amount };
      return refundResult(await post(http, '/v1/refunds', json, call.idempotencyKey, callOptions), call);
    },
    async findCharge(orderId, callOptions) {
      const answer = await http.send({
        method: 'GET',
        url: `/v1/charges?orderId=${encodeURIComponent(orderId)}`,
        signal: callOptions?.signal,
      });
      if (answer.status !== 200) throw refused('list charges', answer);
      return firstCaptured(answer);
    },
    async lookupCharge(idempotencyKey, callOptions) {
      const answer = await http.send({
        method: 'GET',
        url: `/v1/idempotency_keys/${encodeURIComponent(idempotencyKey)}`,
        signal: callOptions?.signal,
        logFields: { key: idempotencyKey },
      });
      return keyLookupOf(answer);
    },
    close: () => http.close(),
  };
}

function post(
  http: HttpClient,
  url: string,
  json: unknown,
  key: string,
  callOptions: CallOptions | undefined,
): Promise<HttpAnswer> {
  return http.send({
    method: 'POST',
    url,
    json,
    headers: { 'idempotency-key': key },
    signal: callOptions?.signal,
    logFields: { key },
  });
}

/**
 * A provider may quote the token in its message ("No such token: 'tok_…'"); that message becomes a
 * PaymentFailed reason on a shared topic, so the token is cut out of it first.
 */
function withoutToken(outcome: ChargeOutcome, token: string): ChargeOutcome {
  if (outcome.status === 'succeeded') return outcome;
  return { ...outcome, message: outcome.message.replaceAll(token, '[card token]') };
}

function chargeOutcome(answer: HttpAnswer): ChargeOutcome {
  const message = errorMessageOf(answer.body) ?? `HTTP ${answer.status}`;
  if (answer.status === 402) return { status: 'declined', message };
  if (answer.status >= 400) return { status: 'rejected', message };
  const charge = chargeSchema.safeParse(answer.body);
  if (!charge.success || charge.data.status !== 'succeeded') throw unexpected('charge', answer);
  return {
    status: 'succeeded',
    paymentId: charge.data.id,
    amount: charge.data.amount,
    currency: charge.data.currency,
  };
}

/**
 * 404: no request with the key reached the provider's ledger (nothing charged); a final answer: the
 * charge, or the refusal; still running or last met an outage: ask again later.
 */
function keyLookupOf(answer: HttpAnswer): KeyLookup {
  if (answer.status === 404) return { kind: 'none' };
  if (answer.status !== 200) throw refused('look up an idempotency key', answer);
  const lookup = keyLookupSchema.safeParse(answer.body);
  if (!lookup.success) throw unexpected('key look-up', answer);
  const { status, response } = lookup.data;
  if (status !== 'completed' || response === null) return { kind: 'pending' };
  const outcome = chargeOutcome({ status: response.status, body: response.body, attempts: 1 });
  return outcome.status === 'succeeded'
    ? {
        kind: 'captured',
        charge: { paymentId: outcome.paymentId, amount: outcome.amount, currency: outcome.currency },
      }
    : { kind: 'refused', refusal: outcome };
}

function refundResult(answer: HttpAnswer, call: RefundCall): RefundResult {
  if (answer.status >= 400) throw refused('refund', answer);
  const refund = refundSchema.safeParse(answer.body);
  if (!refund.success) throw unexpected('refund', answer);
  const { id, charge, amount, currency } = refund.data;
  if (charge !== call.paymentId) throw unexpected('refund', answer);
  return { kind: 'refund', refundId: id, paymentId: charge, amount, currency };
}

function firstCaptured(answer: HttpAnswer): ProviderCharge | null {
  const list = chargeListSchema.safeParse(answer.body);
  if (!list.success) throw unexpected('charge list', answer);
  const charge = list.data.data.find((candidate) => candidate.status === 'succeeded');
  return charge === undefined
    ? null
    : { paymentId: charge.id, amount: charge.amount, currency: charge.currency };
}

/** A verdict that will not change on a retry: parked on the dead-letter topic for a person to look at. */
function refused(what: string, answer: HttpAnswer): AppError {
  const message = errorMessageOf(answer.body) ?? 'no message';
  return new AppError(
    'BAD_GATEWAY',
    `payment provider refused to ${what} (HTTP ${answer.status}): ${message}`,
    { retriable: false },
  );
}

/** A 2xx we cannot read: maybe a provider hiccup, so worth another try later. */
function unexpected(what: string, answer: HttpAnswer): AppError {
  return new AppError(
    'BAD_GATEWAY',
    `payment provider answered the ${what} with an unexpected body (HTTP ${answer.status})`,
  );
}

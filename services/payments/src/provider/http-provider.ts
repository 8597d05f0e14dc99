import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, type Logger, upstreamUnavailable } from '@microshop/platform';
import { Agent, request } from 'undici';
import { type BackoffPolicy, backoffSchedule, withJitter } from '../domain/backoff.ts';
import type { ChargeOutcome, ProviderCharge } from '../domain/payment.ts';
import type { CallOptions, PaymentProvider, RefundCall, RefundResult } from './provider.ts';
import { chargeListSchema, chargeSchema, errorMessageOf, refundSchema } from './wire.ts';

/**
 * The payment provider over HTTP, in the card-provider dialect the payment sandbox speaks
 * (`POST /v1/charges`, `POST /v1/refunds`, `Idempotency-Key`). Each request has its own timeout;
 * a timeout, a connection error, 409 (the key's first request is still in progress), 429 and 5xx
 * are retried with backoff and the same key, a bounded number of times. 402 is a decline; any
 * other 4xx a refusal with the provider's message.
 */

export interface HttpProviderOptions {
  baseUrl: string;
  /** Per request; shorter than the sandbox's slow token, so the slow path goes through a retry. */
  timeoutMs: number;
  backoff: BackoffPolicy;
  logger: Logger;
  random?: () => number;
}

export interface HttpPaymentProvider extends PaymentProvider {
  /** Closes the connection pool (main's stop step). */
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
}

export function createHttpProvider(options: HttpProviderOptions): HttpPaymentProvider {
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 32 });
  const send = createSender(options, agent);
  return {
    async charge(call, callOptions) {
      const body = {
        amount: call.amount,
        currency: call.currency,
        source: call.token,
        metadata: { orderId: call.orderId },
      };
      const answer = await send('POST', '/v1/charges', { body, key: call.idempotencyKey, ...callOptions });
      return chargeOutcome(answer);
    },
    async refund(call, callOptions) {
      const body = { charge: call.paymentId, amount: call.amount };
      const answer = await send('POST', '/v1/refunds', { body, key: call.idempotencyKey, ...callOptions });
      return refundResult(answer, call);
    },
    async findCharge(orderId, callOptions) {
      const answer = await send(
        'GET',
        `/v1/charges?orderId=${encodeURIComponent(orderId)}`,
        callOptions ?? {},
      );
      if (answer.status !== 200) throw refused('list charges', answer);
      return firstCaptured(answer);
    },
    close: () => agent.close(),
  };
}

type Send = (
  method: 'GET' | 'POST',
  path: string,
  request: CallOptions & { body?: unknown; key?: string },
) => Promise<Answer>;

function createSender(options: HttpProviderOptions, agent: Agent): Send {
  const waits = backoffSchedule(options.backoff);
  const random = options.random ?? Math.random;
  return async (method, path, call) => {
    let lastProblem = '';
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await sendOnce(options, agent, method, path, call);
        if (!isTransient(answer.status)) return answer;
        lastProblem = `HTTP ${answer.status}: ${errorMessageOf(answer.body) ?? 'no message'}`;
      } catch (error) {
        if (call.signal?.aborted)
          throw upstreamUnavailable(`${method} ${path} aborted: the service is stopping`);
        lastProblem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      const wait = waits[attempt - 1];
      if (wait === undefined) {
        throw upstreamUnavailable(
          `payment provider: ${method} ${path} failed ${attempt} times, last: ${lastProblem}`,
        );
      }
      options.logger.warn(
        { method, path, attempt, lastProblem, key: call.key },
        'payment provider call failed; retrying',
      );
      await sleep(withJitter(wait, random()), undefined, call.signal ? { signal: call.signal } : {}).catch(
        () => {
          throw upstreamUnavailable(`${method} ${path} aborted: the service is stopping`);
        },
      );
    }
  };
}

async function sendOnce(
  options: HttpProviderOptions,
  agent: Agent,
  method: 'GET' | 'POST',
  path: string,
  call: CallOptions & { body?: unknown; key?: string },
): Promise<Answer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = call.signal === undefined ? timeout : AbortSignal.any([timeout, call.signal]);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (call.key !== undefined) headers['idempotency-key'] = call.key;
  const response = await request(new URL(path, options.baseUrl), {
    method,
    headers,
    body: call.body === undefined ? null : JSON.stringify(call.body),
    signal,
    dispatcher: agent,
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: parseJson(text) };
}

/** Worth another attempt with the same key: the provider did not give its verdict. */
function isTransient(status: number): boolean {
  return status === 409 || status === 429 || status >= 500;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return text;
  }
}

function chargeOutcome(answer: Answer): ChargeOutcome {
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

function refundResult(answer: Answer, call: RefundCall): RefundResult {
  if (answer.status >= 400) throw refused('refund', answer);
  const refund = refundSchema.safeParse(answer.body);
  if (!refund.success) throw unexpected('refund', answer);
  const { id, charge, amount, currency } = refund.data;
  if (charge !== call.paymentId) throw unexpected('refund', answer);
  return { kind: 'refund', refundId: id, paymentId: charge, amount, currency };
}

function firstCaptured(answer: Answer): ProviderCharge | null {
  const list = chargeListSchema.safeParse(answer.body);
  if (!list.success) throw unexpected('charge list', answer);
  const charge = list.data.data.find((candidate) => candidate.status === 'succeeded');
  return charge === undefined
    ? null
    : { paymentId: charge.id, amount: charge.amount, currency: charge.currency };
}

/** A verdict that will not change on a retry: parked on the dead-letter topic for a person to look at. */
function refused(what: string, answer: Answer): AppError {
  const message = errorMessageOf(answer.body) ?? 'no message';
  return new AppError(
    'BAD_GATEWAY',
    `payment provider refused to ${what} (HTTP ${answer.status}): ${message}`,
    {
      retriable: false,
    },
  );
}

/** A 2xx we cannot read: maybe a provider hiccup, so worth another try later. */
function unexpected(what: string, answer: Answer): AppError {
  return new AppError(
    'BAD_GATEWAY',
    `payment provider answered the ${what} with an unexpected body (HTTP ${answer.status})`,
  );
}

import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, backoffDelay, badGateway, timedOut, upstreamUnavailable } from '@microshop/platform';
import { request } from 'undici';

/**
 * JSON over HTTP to a third party, with a timeout per attempt and retries with backoff on what may
 * go away by itself: no connection, no answer in time, 429 and 5xx. Other answers are returned to
 * the adapter, which knows what a 404 or 422 means for its call.
 */

export interface HttpClientOptions {
  baseUrl: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Delay before the second attempt, doubled each time (with jitter). */
  backoffMs: number;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

export type HttpClient = (call: HttpCall) => Promise<HttpAnswer>;

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const backoff = { initialMs: options.backoffMs, maxMs: options.backoffMs * 16 };
  return async (call) => {
    let failure: AppError | undefined;
    for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
      if (attempt > 1) await sleep(backoffDelay(attempt - 1, backoff), undefined, { signal: call.signal });
      const outcome = await attemptOnce(options, call);
      if (!(outcome instanceof AppError)) return outcome;
      failure = outcome;
      if (call.signal?.aborted) break;
    }
    throw failure ?? upstreamUnavailable(`${call.method} ${call.path} was not attempted`);
  };
}

/** One attempt: the answer, or the retriable error it amounts to. */
async function attemptOnce(options: HttpClientOptions, call: HttpCall): Promise<HttpAnswer | AppError> {
  const what = `${call.method} ${options.baseUrl}${call.path}`;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = call.signal === undefined ? timeout : AbortSignal.any([timeout, call.signal]);
  try {
    const response = await request(new URL(call.path, options.baseUrl), {
      method: call.method,
      headers: {
        accept: 'application/json',
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...call.headers,
      },
      body: call.body === undefined ? null : JSON.stringify(call.body),
      signal,
    });
    const text = await response.body.text();
    if (response.statusCode === 429 || response.statusCode >= 500) {
      return badGateway(`${what} answered ${response.statusCode}`);
    }
    return { status: response.statusCode, body: parseJson(text) };
  } catch (error) {
    if (timeout.aborted) return timedOut(`${what} did not answer within ${options.timeoutMs} ms`, error);
    return upstreamUnavailable(
      `${what} failed: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

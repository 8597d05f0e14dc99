import { Agent, request as send } from 'undici';
import type { Logger } from '../logger.ts';
import { AttemptFailed, describeProblem, HttpCallFailed, type HttpProblem } from './failure.ts';
import {
  type Answer,
  type CircuitBreakerSettings,
  clientPolicies,
  type HttpRetrySettings,
  isBrokenCircuit,
  transientStatus,
} from './policy.ts';

/**
 * The kit's one HTTP client for calling another party (a payment provider, a carrier, a webhook
 * receiver): JSON over undici, a timeout per attempt, retries with exponential backoff and equal
 * jitter on what may go away by itself (no connection, no answer in time, 429, 5xx — or what the
 * client says), and a circuit breaker when asked for. Answers it does not retry are returned for
 * the caller to read; a request it gives up on throws `HttpCallFailed` (retriable).
 */

export interface HttpClientOptions {
  /** Names the other side in errors and logs: `payment provider`, `carrier`. */
  name: string;
  /** Requests name a path under it; an absolute URL is used as it is. */
  baseUrl?: string | undefined;
  /** Per attempt: one that has no answer by then counts as failed (and is retried). */
  timeoutMs: number;
  retry: HttpRetrySettings;
  /** Off unless given. */
  circuitBreaker?: CircuitBreakerSettings | undefined;
  /** The connection pool; undici's defaults unless given. */
  agent?: { connections?: number; keepAliveTimeoutMs?: number } | undefined;
  /** Warns about each retry when given. */
  logger?: Logger | undefined;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path under the client's base URL, or an absolute URL. */
  url: string;
  /** The same on every attempt, or made per attempt (1-based): an attempt counter, a fresh signature. */
  headers?: Record<string, string> | ((attempt: number) => Record<string, string>);
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as it is (when the caller signs the exact bytes); give its content type in `headers`. */
  body?: string;
  /** Aborted when the service stops: give up at once, between attempts too. */
  signal?: AbortSignal | undefined;
  /** Hears of each failed attempt that will be retried, before the wait. */
  onRetry?: (retry: HttpRetry) => void;
  /** Extra fields for the retry log line (an idempotency key). */
  logFields?: Record<string, unknown>;
}

export interface HttpRetry {
  /** The attempt that failed, 1-based. */
  attempt: number;
  delayMs: number;
  problem: HttpProblem;
}

export interface HttpAnswer extends Answer {
  /** The body as JSON if it parses, else the text; null when empty. */
  body: unknown;
  /** Attempts it took, the first included. */
  attempts: number;
}

export interface HttpClient {
  send(request: HttpRequest): Promise<HttpAnswer>;
  /** Closes the connection pool (a stop step of the service). */
  close(): Promise<void>;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const agent = new Agent({
    ...(options.agent?.connections === undefined ? {} : { connections: options.agent.connections }),
    ...(options.agent?.keepAliveTimeoutMs === undefined
      ? {}
      : { keepAliveTimeout: options.agent.keepAliveTimeoutMs }),
  });
  const policies = clientPolicies(options);
  const retryStatus = options.retry.retryStatus ?? transientStatus;
  return {
    async send(request) {
      const url = new URL(request.url, options.baseUrl);
      const what = `${options.name}: ${request.method} ${url.pathname}${url.search}`;
      let attempts = 0;
      const { policy, dispose } = policies.forRequest((retry) => {
        warnRetry(options, request, url, retry);
        request.onRetry?.(retry);
      });
      try {
        const attempt = ({ signal }: { signal: AbortSignal }) =>
          attemptOnce({ agent, url, request, attempt: ++attempts, signal, timeoutMs: options.timeoutMs });
        const answer = await untilAborted(policy.execute(attempt, request.signal), request.signal);
        if (retryStatus(answer.status))
          throw new HttpCallFailed(what, attempts, { kind: 'status', ...answer });
        return { ...answer, attempts };
      } catch (error) {
        throw failureOf(error, what, attempts);
      } finally {
        dispose();
      }
    },
    close: () => agent.close(),
  };
}

function warnRetry(options: HttpClientOptions, request: HttpRequest, url: URL, retry: HttpRetry): void {
  options.logger?.warn(
    {
      method: request.method,
      path: url.pathname,
      attempt: retry.attempt,
      retryInMs: retry.delayMs,
      lastProblem: describeProblem(retry.problem),
      ...request.logFields,
    },
    `${options.name} call failed; retrying`,
  );
}

interface Attempt {
  agent: Agent;
  url: URL;
  request: HttpRequest;
  attempt: number;
  /** Aborted by the timeout policy, and by the caller's signal. */
  signal: AbortSignal;
  timeoutMs: number;
}

async function attemptOnce({ agent, url, request, attempt, signal, timeoutMs }: Attempt): Promise<Answer> {
  if (request.signal?.aborted) throw new AttemptFailed({ kind: 'aborted' });
  try {
    const response = await send(url, {
      method: request.method,
      headers: headersOf(request, attempt),
      body: request.json === undefined ? (request.body ?? null) : JSON.stringify(request.json),
      signal,
      dispatcher: agent,
    });
    return { status: response.statusCode, body: parseJson(await response.body.text()) };
  } catch (error) {
    if (request.signal?.aborted) throw new AttemptFailed({ kind: 'aborted' });
    if (signal.aborted) throw new AttemptFailed({ kind: 'timeout', timeoutMs });
    throw new AttemptFailed({ kind: 'error', error });
  }
}

function headersOf(request: HttpRequest, attempt: number): Record<string, string> {
  const own = typeof request.headers === 'function' ? request.headers(attempt) : request.headers;
  return {
    accept: 'application/json',
    ...(request.json === undefined ? {} : { 'content-type': 'application/json' }),
    ...own,
  };
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Settles with `run`, or rejects at once when `signal` aborts: cockatiel's backoff wait is not abortable. */
function untilAborted<T>(run: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return run;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AttemptFailed({ kind: 'aborted' }));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function failureOf(error: unknown, what: string, attempts: number): unknown {
  if (error instanceof HttpCallFailed) return error;
  if (error instanceof AttemptFailed) return new HttpCallFailed(what, attempts, error.problem);
  if (isBrokenCircuit(error)) return new HttpCallFailed(what, attempts, { kind: 'circuit-open' });
  return error;
}

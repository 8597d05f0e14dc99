import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  handleWhen,
  type IDefaultPolicyContext,
  type IPolicy,
  type IRetryBackoffContext,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { type BackoffOptions, backoffDelay } from '../pure/backoff.ts';
import { AttemptFailed, type HttpProblem } from './failure.ts';

/**
 * The client's resilience, in cockatiel policies: per request a retry (exponential backoff with the
 * kit's equal jitter), around an optional circuit breaker shared by every request of the client,
 * around a timeout per attempt. Only the retry is made per request: its `onRetry` tells the caller
 * about each failed attempt of *its* request.
 */

export interface HttpRetrySettings extends BackoffOptions {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** Answers worth another attempt; default 429 and 5xx. Anything else is returned to the caller. */
  retryStatus?: (status: number) => boolean;
}

/** Off unless given: the fault-tolerance work switches it on per client. */
export interface CircuitBreakerSettings {
  /** Failed attempts in a row that open the circuit (each attempt of a retried request counts). */
  consecutiveFailures: number;
  /** How long it stays open before one trial request may go through. */
  halfOpenAfterMs: number;
}

/** What an attempt resolves with: an answer the policies look at by status. */
export interface Answer {
  status: number;
  body: unknown;
}

/** 429 and 5xx: the other side may well answer otherwise a moment later. */
export const transientStatus = (status: number): boolean => status === 429 || status >= 500;

export interface ClientPolicies {
  /** The policy stack for one request; `onRetry` hears of each failed attempt that is retried. */
  forRequest(onRetry: (retry: { attempt: number; delayMs: number; problem: HttpProblem }) => void): {
    policy: IPolicy<IDefaultPolicyContext & { attempt: number }>;
    dispose(): void;
  };
}

export function clientPolicies(options: {
  timeoutMs: number;
  retry: HttpRetrySettings;
  circuitBreaker?: CircuitBreakerSettings | undefined;
}): ClientPolicies {
  const retryStatus = options.retry.retryStatus ?? transientStatus;
  // An aborted attempt is the caller giving up (the service stops): never retried, never held against the other side.
  const failures = handleWhen(
    (error) => error instanceof AttemptFailed && error.problem.kind !== 'aborted',
  ).orWhenResult((answer) => retryStatus((answer as Answer).status));
  // Cooperative: the attempt's own request is aborted by the timeout's signal and says so itself.
  const perAttempt = timeout(options.timeoutMs, {
    strategy: TimeoutStrategy.Cooperative,
    // The attempt has read the whole body when it returns; nothing is left to abort.
    abortOnReturn: true,
  });
  const breaker =
    options.circuitBreaker === undefined
      ? undefined
      : circuitBreaker(failures, {
          breaker: new ConsecutiveBreaker(options.circuitBreaker.consecutiveFailures),
          halfOpenAfter: options.circuitBreaker.halfOpenAfterMs,
        });
  const backoff = new DelegateBackoff((context: IRetryBackoffContext<unknown>) =>
    backoffDelay(context.attempt, options.retry),
  );
  return {
    forRequest(onRetry) {
      // Unref'd: a pending retry never keeps a stopping process alive (the caller's abort settles it).
      const retrying = retry(failures, {
        maxAttempts: options.retry.maxAttempts - 1,
        backoff,
      }).dangerouslyUnref();
      const listener = retrying.onRetry((event) =>
        onRetry({ attempt: event.attempt, delayMs: event.delay, problem: problemOf(event) }),
      );
      const policy = breaker === undefined ? wrap(retrying, perAttempt) : wrap(retrying, breaker, perAttempt);
      return { policy, dispose: () => listener.dispose() };
    },
  };
}

function problemOf(result: { error: unknown } | { value: unknown }): HttpProblem {
  if ('value' in result) {
    const answer = result.value as Answer;
    return { kind: 'status', status: answer.status, body: answer.body };
  }
  const { error } = result;
  if (error instanceof AttemptFailed && error.problem.kind !== 'aborted') return error.problem;
  return { kind: 'error', error };
}

export function isBrokenCircuit(error: unknown): boolean {
  return error instanceof BrokenCircuitError;
}

import { AppError, type ErrorCode } from '../errors.ts';
import { unreachable } from '../pure/unreachable.ts';

/** Why one attempt at a request did not give an answer worth returning. */
export type HttpProblem =
  /** An answer the client retries (default: 429 and 5xx). */
  | { kind: 'status'; status: number; body: unknown }
  /** No answer within the client's per-attempt timeout. */
  | { kind: 'timeout'; timeoutMs: number }
  /** No answer at all: connection refused or reset, DNS, TLS. */
  | { kind: 'error'; error: unknown };

/** Why a request ended without an answer: its last attempt's problem, or why no attempt was made. */
export type HttpFailureReason =
  | HttpProblem
  /** The caller's signal aborted it: the service is stopping. */
  | { kind: 'aborted' }
  /** The circuit breaker is open: the other side failed too often lately. */
  | { kind: 'circuit-open' };

const codeOf: Record<HttpFailureReason['kind'], ErrorCode> = {
  status: 'BAD_GATEWAY',
  timeout: 'TIMEOUT',
  error: 'UPSTREAM_UNAVAILABLE',
  aborted: 'UPSTREAM_UNAVAILABLE',
  'circuit-open': 'UPSTREAM_UNAVAILABLE',
};

/**
 * A request the client gave up on. Always retriable: the other side may answer later, so the Kafka
 * consumer tries the event again. The code names the last failure (BAD_GATEWAY for an answer,
 * TIMEOUT, UPSTREAM_UNAVAILABLE for no connection, an abort or an open circuit).
 */
export class HttpCallFailed extends AppError {
  /** Attempts made, the first included (0 when none was: aborted before, or circuit open). */
  readonly attempts: number;
  readonly reason: HttpFailureReason;

  constructor(what: string, attempts: number, reason: HttpFailureReason) {
    super(codeOf[reason.kind], messageOf(what, attempts, reason), {
      retriable: true,
      ...(reason.kind === 'error' ? { cause: reason.error } : {}),
    });
    this.attempts = attempts;
    this.reason = reason;
  }
}

function messageOf(what: string, attempts: number, reason: HttpFailureReason): string {
  switch (reason.kind) {
    case 'aborted':
      return `${what} aborted: the service is stopping`;
    case 'circuit-open':
      return `${what} not sent: the circuit is open after repeated failures`;
    default:
      return `${what} failed ${attempts} ${attempts === 1 ? 'time' : 'times'}, last: ${describeProblem(reason)}`;
  }
}

/** One line for logs and messages: `HTTP 503: {…}`, `TimeoutError: …`, `Error: connect ECONNREFUSED …`. */
export function describeProblem(problem: HttpProblem): string {
  switch (problem.kind) {
    case 'status': {
      const body = problem.body === null ? '' : `: ${JSON.stringify(problem.body)?.slice(0, 300)}`;
      return `HTTP ${problem.status}${body}`;
    }
    case 'timeout':
      return `TimeoutError: no answer within ${problem.timeoutMs} ms`;
    case 'error': {
      const { error } = problem;
      if (!(error instanceof Error)) return String(error);
      const code = (error as { code?: unknown }).code;
      return `${error.name}: ${error.message}${typeof code === 'string' ? ` (${code})` : ''}`;
    }
    default:
      return unreachable(problem);
  }
}

/** Thrown inside an attempt so the retry policy sees it; never leaves the client. */
export class AttemptFailed extends Error {
  readonly problem: HttpProblem | { kind: 'aborted' };

  constructor(problem: HttpProblem | { kind: 'aborted' }) {
    super(problem.kind);
    this.problem = problem;
  }
}

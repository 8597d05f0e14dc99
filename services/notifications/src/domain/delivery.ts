/**
 * When the sender loop tries a failed email again: exponential backoff, capped, so an SMTP outage
 * delays emails (at most `maxMs` after the server is back) and never drops one. Deterministic: the
 * claim query already spreads work across instances (SKIP LOCKED), so no jitter is needed. Pure.
 */

export interface SendBackoff {
  /** Delay after the first failed attempt. */
  initialMs: number;
  /** No delay is longer than this. */
  maxMs: number;
}

export const defaultSendBackoff: SendBackoff = { initialMs: 1_000, maxMs: 30_000 };

/** Delay after `failedAttempts` failures (1-based): initial, 2×, 4×, … up to the cap. */
export function retryDelayMs(failedAttempts: number, backoff: SendBackoff): number {
  const exponent = Math.min(Math.max(0, failedAttempts - 1), 30); // 2^30 × anything is past any cap
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** exponent);
}

export function nextAttemptAt(now: Date, failedAttempts: number, backoff: SendBackoff): Date {
  return new Date(now.getTime() + retryDelayMs(failedAttempts, backoff));
}

/** What is kept of an SMTP error: enough to tell an outage from a refusal, never unbounded. */
export function describeSendError(error: unknown, maxLength = 500): string {
  const text =
    error instanceof Error
      ? [
          (error as { code?: unknown }).code,
          (error as { responseCode?: unknown }).responseCode,
          error.message,
        ]
          .filter((part) => part !== undefined && part !== null && part !== '')
          .join(' ')
      : String(error);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

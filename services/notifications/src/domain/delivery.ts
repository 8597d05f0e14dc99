import { backoffDelay, unreachable } from '@microshop/platform/pure';

/**
 * An email's way to the SMTP server, one attempt at a time, never inside a database transaction:
 *
 *   PENDING ──claim──▶ SENDING ──accepted──────────▶ SENT
 *      ▲                  │ ──5xx for this message──▶ FAILED (with the server's reason; no retry)
 *      └──4xx, no connection, timeout (backoff)───────┘
 *
 * A claim is committed before the send and lasts until `claimedUntil`; the result is recorded in a
 * transaction of its own afterwards, for the attempt that was claimed only (`attempt` fences a late
 * recorder whose claim lapsed). If the sender dies between the send and the record, the claim lapses
 * and the email is claimed and sent again: that one email, never a batch. Its Message-ID is the same
 * on every send, so a receiver can drop the copy. Pure.
 */

export type DeliveryState = 'PENDING' | 'SENDING' | 'SENT' | 'FAILED';

export interface Delivery {
  state: DeliveryState;
  /** Attempts started (claimed), the one in progress included. */
  attempts: number;
  nextAttemptAt: Date;
  /** While SENDING: when the claim lapses and a later pass may take the email again. */
  claimedUntil: Date | null;
  lastError: string | null;
  sentAt: Date | null;
}

export interface SendBackoff {
  /** Delay after the first failed attempt. */
  initialMs: number;
  /** No delay is longer than this. */
  maxMs: number;
}

export const defaultSendBackoff: SendBackoff = { initialMs: 1_000, maxMs: 30_000 };

/** What came of one send: taken by the server, or refused (for good, or for now). */
export type SendResult = { kind: 'accepted' } | { kind: 'refused'; error: string; permanent: boolean };

export type DeliveryCommand =
  /** Take the email for one attempt, if it is due (or its last claim lapsed). */
  | { type: 'ClaimEmail'; at: Date; claimMs: number }
  /** What attempt number `attempt` (the claim's) came to. */
  | { type: 'RecordAttempt'; at: Date; attempt: number; result: SendResult };

export type DeliveryEvent =
  | { type: 'EmailClaimed'; at: Date; claimedUntil: Date }
  | { type: 'EmailSent'; at: Date }
  | { type: 'EmailSendFailed'; at: Date; error: string; nextAttemptAt: Date }
  | { type: 'EmailRejected'; at: Date; error: string };

export function decide(command: DeliveryCommand, delivery: Delivery, backoff: SendBackoff): DeliveryEvent[] {
  switch (command.type) {
    case 'ClaimEmail':
      return claimable(delivery, command.at)
        ? [{ type: 'EmailClaimed', at: command.at, claimedUntil: later(command.at, command.claimMs) }]
        : [];
    case 'RecordAttempt':
      return recordAttempt(command, delivery, backoff);
    default:
      return unreachable(command);
  }
}

/** Due and PENDING, or SENDING under a claim that lapsed (its sender died or hangs). */
export function claimable(delivery: Delivery, at: Date): boolean {
  if (delivery.state === 'PENDING') return delivery.nextAttemptAt.getTime() <= at.getTime();
  if (delivery.state === 'SENDING') return (delivery.claimedUntil?.getTime() ?? 0) <= at.getTime();
  return false;
}

function recordAttempt(
  command: Extract<DeliveryCommand, { type: 'RecordAttempt' }>,
  delivery: Delivery,
  backoff: SendBackoff,
): DeliveryEvent[] {
  // The claim lapsed and another attempt took the email: that one records, this one may not.
  if (delivery.state !== 'SENDING' || delivery.attempts !== command.attempt) return [];
  const { at, result } = command;
  if (result.kind === 'accepted') return [{ type: 'EmailSent', at }];
  if (result.permanent) return [{ type: 'EmailRejected', at, error: result.error }];
  const next = nextAttemptAt(at, delivery.attempts, backoff);
  return [{ type: 'EmailSendFailed', at, error: result.error, nextAttemptAt: next }];
}

export function evolve(delivery: Delivery, event: DeliveryEvent): Delivery {
  switch (event.type) {
    case 'EmailClaimed':
      return {
        ...delivery,
        state: 'SENDING',
        attempts: delivery.attempts + 1,
        claimedUntil: event.claimedUntil,
      };
    case 'EmailSent':
      return { ...delivery, state: 'SENT', claimedUntil: null, lastError: null, sentAt: event.at };
    case 'EmailSendFailed':
      return {
        ...delivery,
        state: 'PENDING',
        claimedUntil: null,
        nextAttemptAt: event.nextAttemptAt,
        lastError: event.error,
      };
    case 'EmailRejected':
      return { ...delivery, state: 'FAILED', claimedUntil: null, lastError: event.error };
    default:
      return unreachable(event);
  }
}

/**
 * Delay after `failedAttempts` failures (1-based): initial, 2×, 4×, … up to the cap. The kit's backoff
 * without its jitter: the claim query already spreads work across instances (SKIP LOCKED).
 */
export function retryDelayMs(failedAttempts: number, backoff: SendBackoff): number {
  return backoffDelay(failedAttempts, { ...backoff, random: () => 1 });
}

export function nextAttemptAt(now: Date, failedAttempts: number, backoff: SendBackoff): Date {
  return new Date(now.getTime() + retryDelayMs(failedAttempts, backoff));
}

function later(at: Date, ms: number): Date {
  return new Date(at.getTime() + ms);
}

/**
 * What a failed send says: a 5xx answer to this message (its sender, a recipient or its content:
 * nodemailer's EENVELOPE, EMESSAGE) is permanent; a 4xx, no connection, a timeout or an
 * authentication failure (the relay's problem, not the email's) is worth another attempt.
 */
export function sendResultOf(error: unknown): SendResult {
  const { code, responseCode } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    responseCode?: unknown;
  };
  const refusedForGood =
    typeof responseCode === 'number' &&
    responseCode >= 500 &&
    responseCode < 600 &&
    (code === 'EENVELOPE' || code === 'EMESSAGE');
  return { kind: 'refused', error: describeSendError(error), permanent: refusedForGood };
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

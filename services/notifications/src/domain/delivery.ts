import { backoffDelay, unreachable } from '@microshop/platform/pure';

/**
 * An email's way to the SMTP server: PENDING until the server took it, then SENT. A failed attempt
 * keeps it PENDING and puts the next one off by an exponential backoff, capped, so an SMTP outage
 * delays emails (at most `maxMs` after the server is back) and never drops one. Pure.
 */

export interface Delivery {
  state: 'PENDING' | 'SENT';
  /** Attempts made, the successful one included. */
  attempts: number;
  nextAttemptAt: Date;
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

/** What the sender reports of one attempt: `error` null when the server accepted the message. */
export type DeliveryCommand = { type: 'RecordAttempt'; at: Date; error: string | null };

export type DeliveryEvent =
  | { type: 'EmailSent'; at: Date }
  | { type: 'EmailSendFailed'; at: Date; error: string; nextAttemptAt: Date };

/** The attempt's outcome; nothing for an email already SENT (a claim only takes PENDING ones). */
export function decide(command: DeliveryCommand, delivery: Delivery, backoff: SendBackoff): DeliveryEvent[] {
  if (delivery.state === 'SENT') return [];
  const { at, error } = command;
  if (error === null) return [{ type: 'EmailSent', at }];
  return [
    { type: 'EmailSendFailed', at, error, nextAttemptAt: nextAttemptAt(at, delivery.attempts + 1, backoff) },
  ];
}

export function evolve(delivery: Delivery, event: DeliveryEvent): Delivery {
  switch (event.type) {
    case 'EmailSent':
      return {
        ...delivery,
        state: 'SENT',
        attempts: delivery.attempts + 1,
        lastError: null,
        sentAt: event.at,
      };
    case 'EmailSendFailed':
      return {
        ...delivery,
        attempts: delivery.attempts + 1,
        nextAttemptAt: event.nextAttemptAt,
        lastError: event.error,
      };
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

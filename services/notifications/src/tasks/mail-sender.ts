import { type Logger, type Pool, type PoolClient, withTransaction } from '@microshop/platform';
import type { Mailer } from '../clients/smtp-mailer.ts';
import { decide, describeSendError, evolve, type SendBackoff } from '../domain/delivery.ts';
import { claimDue, type EmailRow, saveDelivery } from '../store/emails.ts';

/**
 * The sender task (a background part of the service, started before the consumer): claims due PENDING emails (FOR UPDATE SKIP LOCKED, so several instances never
 * claim one email twice), sends them over SMTP while holding the claim, and marks each SENT, or keeps
 * it PENDING with one more attempt and a later `next_attempt_at`, in the same transaction. An SMTP
 * outage therefore delays emails and loses none.
 *
 * Delivery to the SMTP server is at least once: a crash (or a failed COMMIT) after the server accepted
 * a message and before the SENT mark commits sends it again on the next claim. The Message-ID is the
 * same on every attempt, so the receiver can drop that copy.
 */

export interface MailSenderOptions {
  pool: Pool;
  mailer: Mailer;
  /** The From header, e.g. `microshop <orders@microshop.local>`. */
  from: string;
  backoff: SendBackoff;
  logger: Logger;
  /** Emails claimed (and sent concurrently) per transaction. Default 20. */
  batchSize?: number;
  now?: () => Date;
}

export interface SendReport {
  sent: number;
  failed: number;
}

/** One pass: batches until fewer than a batch are due, or an attempt fails (the server is likely down). */
export async function sendDueEmails(options: MailSenderOptions): Promise<SendReport> {
  const batchSize = options.batchSize ?? 20;
  const total: SendReport = { sent: 0, failed: 0 };
  for (;;) {
    const { claimed, sent, failed } = await sendBatch(options, batchSize);
    total.sent += sent;
    total.failed += failed;
    if (claimed < batchSize || failed > 0) return total;
  }
}

async function sendBatch(
  options: MailSenderOptions,
  batchSize: number,
): Promise<SendReport & { claimed: number }> {
  const now = options.now ?? (() => new Date());
  const report = await withTransaction(options.pool, async (client) => {
    const due = await claimDue(client, now(), batchSize);
    const outcomes = await Promise.all(due.map((email) => attempt(options.mailer, options.from, email)));
    const failures: { email: EmailRow; error: string }[] = [];
    for (const [i, email] of due.entries()) {
      const error = outcomes[i] ?? null;
      if (error !== null) failures.push({ email, error });
      await recordAttempt(client, email, { at: now(), error }, options.backoff);
    }
    return { claimed: due.length, sent: due.length - failures.length, failed: failures.length, failures };
  });
  logBatch(options.logger, report);
  return report;
}

/** SENT, or still PENDING with one more attempt and a later `next_attempt_at`. */
async function recordAttempt(
  client: PoolClient,
  email: EmailRow,
  attempt: { at: Date; error: string | null },
  backoff: SendBackoff,
): Promise<void> {
  for (const happened of decide({ type: 'RecordAttempt', ...attempt }, email, backoff)) {
    await saveDelivery(client, email, evolve(email, happened));
  }
}

/** undefined when the server accepted the message, else what went wrong. */
async function attempt(mailer: Mailer, from: string, email: EmailRow): Promise<string | undefined> {
  try {
    await mailer.send({
      from,
      to: email.recipient,
      subject: email.subject,
      text: email.text,
      messageId: email.messageId,
    });
    return undefined;
  } catch (error) {
    return describeSendError(error);
  }
}

/** One line per batch: an outage with a thousand emails due must not write a thousand warnings. */
function logBatch(
  logger: Logger,
  report: { claimed: number; sent: number; failed: number; failures: { email: EmailRow; error: string }[] },
): void {
  if (report.sent > 0) logger.info({ sent: report.sent }, 'emails sent');
  const first = report.failures[0];
  if (first !== undefined) {
    logger.warn(
      {
        failed: report.failed,
        error: first.error,
        orderId: first.email.orderId,
        attempts: first.email.attempts + 1,
      },
      'emails not sent; kept pending for a later attempt',
    );
  }
}

export interface MailSender {
  /** Runs a pass soon (an email was just queued) instead of at the next tick. */
  wake(): void;
  /** Stops scheduling and waits for a pass in progress to finish. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs `sendDueEmails` every `intervalMs`, one pass at a time: the next is scheduled when the previous
 * ends, and a wake during a pass runs another right after it (the new email may have been committed
 * after the pass claimed). A failed pass is logged; nothing it did was committed, so the next retries.
 */
export function startMailSender(options: MailSenderOptions & { intervalMs: number }): MailSender {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let passing = false;
  let wokenDuringPass = false;
  let stopped = false;

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, delayMs);
  };
  const run = (): void => {
    passing = true;
    running = sendDueEmails(options)
      .then(
        () => undefined,
        (error: unknown) =>
          options.logger.error({ err: error }, 'sender pass failed; retrying at the next interval'),
      )
      .finally(() => {
        passing = false;
        schedule(wokenDuringPass ? 0 : options.intervalMs);
        wokenDuringPass = false;
      });
  };
  schedule(0);

  return {
    wake: () => {
      if (passing) wokenDuringPass = true;
      else schedule(0);
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

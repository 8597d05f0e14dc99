import { type Logger, type Pool, withTransaction } from '@microshop/platform';
import type { Mailer } from '../clients/smtp-mailer.ts';
import { decide, evolve, type SendBackoff, type SendResult, sendResultOf } from '../domain/delivery.ts';
import { type EmailRow, lockClaimable, lockEmail, saveDelivery } from '../store/emails.ts';

/**
 * The sender task (a background part of the service, started before the consumer). No SMTP send ever
 * happens inside a database transaction:
 *   1. claim: one short transaction takes the due emails (FOR UPDATE SKIP LOCKED, so several instances
 *      never claim one email at once), marks each SENDING with one more attempt and a claim that lasts
 *      `claimMs`, and commits;
 *   2. send: each email on its own, through the SMTP client;
 *   3. record: each result in a transaction of its own — SENT; FAILED with the server's answer for a
 *      permanent 5xx (never retried); PENDING with a later next attempt for a 4xx or no connection.
 * A failed record touches one email, never a batch. A sender that dies between 2 and 3 leaves its
 * emails SENDING until their claim lapses; then each is claimed and sent again — that email only,
 * with the same Message-ID, so a receiver can drop the copy. That is "exactly once as far as SMTP
 * allows": SMTP has no way to ask whether a message was taken.
 */

export interface MailSenderOptions {
  pool: Pool;
  mailer: Mailer;
  /** The From header, e.g. `microshop <orders@microshop.local>`. */
  from: string;
  backoff: SendBackoff;
  logger: Logger;
  /** Emails claimed (and sent concurrently) per claim. Default 20. */
  batchSize?: number;
  /** How long a claim holds an email: longer than one send may take. Default 60 s. */
  claimMs?: number;
  now?: () => Date;
}

export interface SendReport {
  sent: number;
  /** Refused for now (4xx, no connection): tried again later. */
  failed: number;
  /** Refused for good (5xx): FAILED. */
  rejected: number;
}

export const defaultClaimMs = 60_000;

/** One pass: claims until fewer than a batch are due, or an attempt fails for now (the server is likely down). */
export async function sendDueEmails(options: MailSenderOptions): Promise<SendReport> {
  const batchSize = options.batchSize ?? 20;
  const total: SendReport = { sent: 0, failed: 0, rejected: 0 };
  for (;;) {
    const { claimed, ...report } = await sendBatch(options, batchSize);
    total.sent += report.sent;
    total.failed += report.failed;
    total.rejected += report.rejected;
    if (claimed < batchSize || report.failed > 0) return total;
  }
}

async function sendBatch(
  options: MailSenderOptions,
  batchSize: number,
): Promise<SendReport & { claimed: number }> {
  const claimed = await claim(options, batchSize);
  const settled = await Promise.allSettled(claimed.map((email) => deliver(options, email)));
  const results = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const report = {
    claimed: claimed.length,
    sent: results.filter((r) => r.result.kind === 'accepted').length,
    failed: results.filter((r) => r.result.kind === 'refused' && !r.result.permanent).length,
    rejected: results.filter((r) => r.result.kind === 'refused' && r.result.permanent).length,
  };
  logBatch(options.logger, report, results);
  const unrecorded = settled.find((outcome) => outcome.status === 'rejected');
  // The email stays SENDING until its claim lapses, then goes again: the pass reports the failure.
  if (unrecorded !== undefined) throw unrecorded.reason;
  return report;
}

/** Step 1: the due emails, SENDING under a claim, committed before anything is sent. */
function claim(options: MailSenderOptions, batchSize: number): Promise<EmailRow[]> {
  const now = (options.now ?? (() => new Date()))();
  const claimMs = options.claimMs ?? defaultClaimMs;
  return withTransaction(options.pool, async (client) => {
    const claimed: EmailRow[] = [];
    for (const row of await lockClaimable(client, now, batchSize)) {
      const events = decide({ type: 'ClaimEmail', at: now, claimMs }, row, options.backoff);
      if (events.length === 0) continue;
      const next = { ...row, ...events.reduce(evolve, row) };
      await saveDelivery(client, row, next);
      claimed.push(next);
    }
    return claimed;
  });
}

interface Delivered {
  email: EmailRow;
  result: SendResult;
}

/** Steps 2 and 3 for one claimed email. */
async function deliver(options: MailSenderOptions, email: EmailRow): Promise<Delivered> {
  const result = await send(options.mailer, options.from, email);
  await record(options, email, result);
  return { email, result };
}

async function send(mailer: Mailer, from: string, email: EmailRow): Promise<SendResult> {
  try {
    await mailer.send({
      from,
      to: email.recipient,
      subject: email.subject,
      text: email.text,
      messageId: email.messageId,
    });
    return { kind: 'accepted' };
  } catch (error) {
    return sendResultOf(error);
  }
}

/** Step 3, for the claimed attempt only: a claim that lapsed meanwhile is another attempt's to record. */
async function record(options: MailSenderOptions, email: EmailRow, result: SendResult): Promise<void> {
  const at = (options.now ?? (() => new Date()))();
  await withTransaction(options.pool, async (client) => {
    const current = await lockEmail(client, email);
    if (current === null) return;
    const command = { type: 'RecordAttempt' as const, at, attempt: email.attempts, result };
    const events = decide(command, current, options.backoff);
    if (events.length === 0) {
      options.logger.warn(
        { orderId: email.orderId, status: email.orderStatus, attempt: email.attempts, now: current.state },
        'email sent after its claim lapsed; the later attempt records it',
      );
      return;
    }
    await saveDelivery(client, current, events.reduce(evolve, current));
  });
}

/** One line per batch for what went well or failed for now; one per email refused for good. */
function logBatch(logger: Logger, report: SendReport, results: readonly Delivered[]): void {
  if (report.sent > 0) logger.info({ sent: report.sent }, 'emails sent');
  const refused = results.filter(
    (r): r is Delivered & { result: Extract<SendResult, { kind: 'refused' }> } => r.result.kind === 'refused',
  );
  const first = refused.find((r) => !r.result.permanent);
  if (first !== undefined) {
    logger.warn(
      {
        failed: report.failed,
        error: first.result.error,
        orderId: first.email.orderId,
        attempts: first.email.attempts,
      },
      'emails not sent; kept pending for a later attempt',
    );
  }
  for (const { email, result } of refused.filter((r) => r.result.permanent)) {
    logger.error(
      { orderId: email.orderId, status: email.orderStatus, to: email.recipient, error: result.error },
      'email refused for good by the SMTP server; marked FAILED',
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
 * after the pass claimed). A failed pass is logged; what it did not record is sent again once its
 * claim lapses.
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

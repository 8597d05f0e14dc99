import { type Logger, type Pool, withTransaction } from '@microshop/platform';
import type { Mailer } from '../clients/smtp-mailer.ts';
import { decide, evolve, type SendBackoff, type SendResult, sendResultOf } from '../domain/delivery.ts';
import { type EmailRow, lockClaimable, lockEmails, saveDeliveries } from '../store/emails.ts';

/**
 * The sender task (a background part of the service, started before the consumer). No SMTP send ever
 * happens inside a database transaction:
 *   1. claim: one short transaction takes the due emails (FOR UPDATE SKIP LOCKED, so several instances
 *      never claim one email at once), marks each SENDING with one more attempt and a claim that lasts
 *      `claimMs`, and commits;
 *   2. send: each email on its own, through the SMTP client, the claimed ones concurrently;
 *   3. record: the results together in one transaction, as soon as the pass's sends are done (a slow
 *      send is not waited for past `recordLingerMs`) — SENT; FAILED with the server's answer for a
 *      permanent 5xx (never retried); PENDING with a later next attempt for a 4xx or no connection.
 *      If that transaction fails, each result is recorded in a transaction of its own, so a failed
 *      record touches one email, never a batch.
 * So a pass costs two transactions however many emails it takes, and a wake (an email just queued)
 * runs the pass `lingerMs` later, so the emails of orders arriving together go out together (decision
 * 25 in docs/decisions.md). A sender that dies between 2 and 3 leaves the emails it had not recorded
 * SENDING until their claim lapses; then each is claimed and sent again — those emails only, with the
 * same Message-ID, so a receiver can drop the copy. That is "exactly once as far as SMTP
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
  /** How long a result waits for the others of its pass before it is recorded without them (50 ms). */
  recordLingerMs?: number;
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
  const recorder = createRecorder(options, claimed.length);
  const results = await Promise.all(
    claimed.map(async (email): Promise<Delivered> => {
      const delivered = { email, result: await send(options, email) };
      recorder.add(delivered);
      return delivered;
    }),
  );
  const report = {
    claimed: claimed.length,
    sent: results.filter((r) => r.result.kind === 'accepted').length,
    failed: results.filter((r) => r.result.kind === 'refused' && !r.result.permanent).length,
    rejected: results.filter((r) => r.result.kind === 'refused' && r.result.permanent).length,
  };
  logBatch(options.logger, report, results);
  // An email not recorded stays SENDING until its claim lapses, then goes again: the pass reports it.
  await recorder.done();
  return report;
}

/**
 * Records a pass's results together: once every send of the pass has finished, or `recordLingerMs`
 * (50 ms) after a result came while others are still out, so one slow send holds no other email's record
 * (a sender dying meanwhile sends again only what it had not recorded).
 */
function createRecorder(options: MailSenderOptions, expected: number) {
  let pending: Delivered[] = [];
  let finished = 0;
  let timer: NodeJS.Timeout | undefined;
  const writes: Promise<void>[] = [];
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const write = recordAll(options, pending);
    // Caught at once: a write failing while sends are still out is no unhandled rejection; done() throws it.
    write.catch(() => {});
    writes.push(write);
    pending = [];
  };
  return {
    add(delivered: Delivered): void {
      pending.push(delivered);
      finished += 1;
      if (finished === expected) flush();
      else timer ??= setTimeout(flush, options.recordLingerMs ?? 50);
    },
    /** After every send: waits for the records; throws the first that failed. */
    async done(): Promise<void> {
      flush();
      const outcomes = await Promise.allSettled(writes);
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
  };
}

/** Step 1: the due emails, SENDING under a claim, committed before anything is sent. */
function claim(options: MailSenderOptions, batchSize: number): Promise<EmailRow[]> {
  const now = (options.now ?? (() => new Date()))();
  const claimMs = options.claimMs ?? defaultClaimMs;
  return withTransaction(options.pool, async (client) => {
    const claimed = (await lockClaimable(client, now, batchSize)).flatMap((row) => {
      const events = decide({ type: 'ClaimEmail', at: now, claimMs }, row, options.backoff);
      return events.length === 0 ? [] : [{ ...row, ...events.reduce(evolve, row) }];
    });
    await saveDeliveries(
      client,
      claimed.map((email) => ({ key: email, delivery: email })),
    );
    return claimed;
  });
}

interface Delivered {
  email: EmailRow;
  result: SendResult;
}

/** Step 2 for one claimed email. */
async function send(options: MailSenderOptions, email: EmailRow): Promise<SendResult> {
  try {
    await options.mailer.send({
      from: options.from,
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

/**
 * Step 3: the pass's results in one transaction; if it fails, each in a transaction of its own (the
 * first error is thrown once every email has had its try).
 */
async function recordAll(options: MailSenderOptions, results: readonly Delivered[]): Promise<void> {
  if (results.length === 0) return;
  try {
    await record(options, results);
    return;
  } catch (error) {
    if (results.length === 1) throw error;
  }
  const alone = await Promise.allSettled(results.map((delivered) => record(options, [delivered])));
  const failed = alone.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

/** For the claimed attempts only: a claim that lapsed meanwhile is another attempt's to record. */
async function record(options: MailSenderOptions, results: readonly Delivered[]): Promise<void> {
  const at = (options.now ?? (() => new Date()))();
  await withTransaction(options.pool, async (client) => {
    const current = await lockEmails(
      client,
      results.map((r) => r.email),
    );
    const changes = results.flatMap(({ email, result }) => {
      const now = current.find(
        (row) => row.orderId === email.orderId && row.orderStatus === email.orderStatus,
      );
      if (now === undefined) return [];
      const command = { type: 'RecordAttempt' as const, at, attempt: email.attempts, result };
      const events = decide(command, now, options.backoff);
      if (events.length === 0) {
        options.logger.warn(
          { orderId: email.orderId, status: email.orderStatus, attempt: email.attempts, now: now.state },
          'email sent after its claim lapsed; the later attempt records it',
        );
        return [];
      }
      return [{ key: now, delivery: events.reduce(evolve, now) }];
    });
    await saveDeliveries(client, changes);
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
 * ends. A wake runs a pass `lingerMs` later (default 0), unless one is due sooner; a wake during a
 * pass runs another `lingerMs` after it (the new email may have been committed after the pass
 * claimed). A failed pass is logged; what it did not record is sent again once its claim lapses.
 */
export function startMailSender(
  options: MailSenderOptions & { intervalMs: number; lingerMs?: number },
): MailSender {
  const lingerMs = options.lingerMs ?? 0;
  let timer: NodeJS.Timeout | undefined;
  /** When the scheduled pass runs (performance.now()). */
  let dueAt = Number.POSITIVE_INFINITY;
  let running: Promise<void> = Promise.resolve();
  let passing = false;
  let wokenDuringPass = false;
  let stopped = false;

  const schedule = (delayMs: number): void => {
    if (stopped) return;
    clearTimeout(timer);
    dueAt = performance.now() + delayMs;
    timer = setTimeout(run, delayMs);
  };
  const run = (): void => {
    passing = true;
    dueAt = Number.POSITIVE_INFINITY;
    running = sendDueEmails(options)
      .then(
        () => undefined,
        (error: unknown) =>
          options.logger.error({ err: error }, 'sender pass failed; retrying at the next interval'),
      )
      .finally(() => {
        passing = false;
        schedule(wokenDuringPass ? lingerMs : options.intervalMs);
        wokenDuringPass = false;
      });
  };
  schedule(0);

  return {
    wake: () => {
      if (passing) wokenDuringPass = true;
      else if (performance.now() + lingerMs < dueAt) schedule(lingerMs);
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { type ConsumedMessage, decodeRecord, type RawRecord } from './codec.ts';
import type { ConsumerMetrics, DeadLetterReason } from './consumer-metrics.ts';
import type { DeadLetterSender } from './dead-letter.ts';
import { type BackoffOptions, backoffDelay, isRetriable, sleep } from './retry.ts';

export interface HandlerContext {
  /** 1 on the first call for this message, 2 on the first retry, … */
  attempt: number;
  /** Aborted when shutdown gives up waiting for this call: stop work, the message will come again. */
  signal: AbortSignal;
  /** The consumer's logger bound to this message's topic, partition, offset and event id. */
  logger: Logger;
}

/**
 * Handles one message. Resolve when its effects are durable; throw to have it retried, or throw an
 * error with `retriable: false` to park it on the dead-letter topic at once.
 */
export type MessageHandler = (message: ConsumedMessage, context: HandlerContext) => Promise<void>;

/** `abandoned`: shutdown interrupted it; its offset must not be committed. */
export type Outcome = 'handled' | 'dead-lettered' | 'abandoned';

export interface ProcessorOptions {
  group: string;
  handle: MessageHandler;
  maxAttempts: number;
  backoff: BackoffOptions;
  deadLetter: DeadLetterSender;
  metrics: ConsumerMetrics;
  logger: Logger;
  /** Aborted when stop() begins: no new retry starts after it. */
  stopping: AbortSignal;
  /** Aborted when the shutdown grace period is over: in-flight work is given up. */
  abandon: AbortSignal;
  now?: () => Date;
}

export function createMessageProcessor(options: ProcessorOptions): (record: RawRecord) => Promise<Outcome> {
  const now = options.now ?? (() => new Date());

  async function park(
    record: RawRecord,
    error: unknown,
    attempts: number,
    reason: DeadLetterReason,
  ): Promise<Outcome> {
    const log = options.logger.child(where(record));
    log.error({ err: error, attempts, reason }, 'sending message to the dead-letter topic');
    const failure = { group: options.group, error, attempts, failedAt: now() };
    if (!(await options.deadLetter.send(record, failure, options.abandon))) return 'abandoned';
    options.metrics.deadLettered(record.topic, reason);
    return 'dead-lettered';
  }

  async function callHandler(message: ConsumedMessage, attempt: number, logger: Logger): Promise<unknown> {
    const started = performance.now();
    try {
      await options.handle(message, { attempt, signal: options.abandon, logger });
      return undefined;
    } catch (error) {
      return error ?? new Error('handler threw a nullish value');
    } finally {
      options.metrics.observeHandle(message.topic, (performance.now() - started) / 1000);
    }
  }

  return async function processRecord(record: RawRecord): Promise<Outcome> {
    const decoded = decodeRecord(record);
    if (!decoded.ok) return park(record, decoded.error, 0, 'undecodable');
    const message = decoded.message;
    const logger = options.logger.child({ ...where(record), eventId: message.eventId });
    for (let attempt = 1; ; attempt++) {
      const error = await callHandler(message, attempt, logger);
      if (error === undefined) {
        options.metrics.handled(record.topic);
        return 'handled';
      }
      if (!isRetriable(error)) return park(record, error, attempt, 'non-retriable');
      if (attempt >= options.maxAttempts) return park(record, error, attempt, 'retries-exhausted');
      const delay = backoffDelay(attempt, options.backoff);
      logger.warn({ err: error, attempt, retryInMs: delay }, 'handler failed, will retry');
      options.metrics.retried(record.topic);
      if (!(await sleep(delay, options.stopping))) return 'abandoned';
    }
  };
}

function where(record: RawRecord): { topic: string; partition: number; offset: string } {
  return { topic: record.topic, partition: record.partition, offset: record.offset.toString() };
}

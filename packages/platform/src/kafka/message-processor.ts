import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { recordWait, withProcessSpan } from '../telemetry/messages.ts';
import { type ConsumedMessage, decodeRecord, type RawRecord } from './codec.ts';
import type { ConsumerMetrics, DeadLetterReason } from './consumer-metrics.ts';
import { type DeadLetterSender, redriveHeaders } from './dead-letter.ts';
import { type BackoffOptions, backoffDelay, classifyFailure, type FailureClass, sleep } from './retry.ts';

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
  /** See `EventConsumerOptions.wants`: a record it turns down is done without a span or a handler call. */
  wants?: (message: ConsumedMessage) => boolean;
  /** Handler calls before a message failing for an unknown reason is dead-lettered. */
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

/** What the consumer's lanes call: one record at a time, and the steps the batch processor shares. */
export interface MessageProcessor {
  /** Decodes, skips what is not this group's, then handles the message under the retry policy. */
  process(record: RawRecord): Promise<Outcome>;
  /**
   * The message as this group sees it: decoded and its own, else its outcome already (parked, passed by,
   * or not one it wants).
   */
  accept(record: RawRecord): Promise<{ message: ConsumedMessage } | { outcome: Outcome }>;
  /** Handles an accepted message under the retry policy (retry, wait, park). */
  handleAccepted(record: RawRecord, message: ConsumedMessage): Promise<Outcome>;
}

export function createMessageProcessor(options: ProcessorOptions): MessageProcessor {
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

  async function accept(record: RawRecord): Promise<{ message: ConsumedMessage } | { outcome: Outcome }> {
    // Before decoding: a redriven record another group failed on is not this group's, even undecodable.
    const addressee = headerOf(record, redriveHeaders.group);
    if (addressee !== undefined && addressee !== options.group) {
      options.logger.debug({ ...where(record), addressee }, 'redriven for another group; passed by');
      return { outcome: 'handled' };
    }
    const decoded = decodeRecord(record);
    if (!decoded.ok) return { outcome: await park(record, decoded.error, 0, 'undecodable') };
    if (options.wants && !options.wants(decoded.message)) {
      options.metrics.handled(record.topic);
      return { outcome: 'handled' };
    }
    return { message: decoded.message };
  }

  function handleAccepted(record: RawRecord, message: ConsumedMessage): Promise<Outcome> {
    recordWait(message, options.group);
    return withProcessSpan([message], options.group, () => retryHandler(record, message));
  }

  async function retryHandler(record: RawRecord, message: ConsumedMessage): Promise<Outcome> {
    const logger = options.logger.child({ ...where(record), eventId: message.eventId });
    const waiting = createWaitTracker(options.metrics, record.topic, logger);
    try {
      for (let attempt = 1; ; attempt++) {
        const error = await callHandler(message, attempt, logger);
        if (error === undefined) {
          options.metrics.handled(record.topic);
          return 'handled';
        }
        const failure = classifyFailure(error);
        if (failure === 'permanent') return park(record, error, attempt, 'non-retriable');
        if (failure === 'unknown' && attempt >= options.maxAttempts) {
          return park(record, error, attempt, 'retries-exhausted');
        }
        const delay = backoffDelay(attempt, options.backoff);
        waiting.failed(error, failure, attempt, delay);
        options.metrics.retried(record.topic, failure);
        if (!(await sleep(delay, options.stopping))) return 'abandoned';
      }
    } finally {
      waiting.done();
    }
  }

  return {
    accept,
    handleAccepted,
    async process(record) {
      const accepted = await accept(record);
      return 'outcome' in accepted ? accepted.outcome : handleAccepted(record, accepted.message);
    },
  };
}

/**
 * While a message waits for a dependency to come back its partition waits with it (a lane handles one
 * message at a time): reported as a gauge, logged when the wait starts, every tenth attempt, and when
 * it ends, so a long outage is visible without a log line per retry.
 */
export function createWaitTracker(metrics: ConsumerMetrics, topic: string, logger: Logger) {
  let since: number | undefined;
  return {
    failed(error: unknown, failure: FailureClass, attempt: number, retryInMs: number): void {
      if (failure === 'unavailable' && since === undefined) {
        since = Date.now();
        metrics.waiting(topic, 1);
      }
      const waitedMs = since === undefined ? undefined : Date.now() - since;
      const fields = { err: error, failure, attempt, retryInMs, waitedMs };
      if (attempt === 1) logger.warn(fields, 'handler failed, will retry');
      else if (attempt % 10 === 0) logger.error(fields, 'handler still failing, still retrying');
    },
    done(): void {
      if (since === undefined) return;
      metrics.waiting(topic, -1);
      logger.info({ waitedMs: Date.now() - since }, 'dependency back; message handled or given up');
      since = undefined;
    },
  };
}

function headerOf(record: RawRecord, name: string): string | undefined {
  for (const [key, value] of record.headers)
    if (key.toString('utf8') === name) return value?.toString('utf8') ?? '';
  return undefined;
}

export function where(record: RawRecord): { topic: string; partition: number; offset: string } {
  return { topic: record.topic, partition: record.partition, offset: record.offset.toString() };
}

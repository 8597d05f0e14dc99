import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { recordWait, withProcessSpan } from '../telemetry/messages.ts';
import type { ConsumedMessage, RawRecord } from './codec.ts';
import type { ConsumerMetrics } from './consumer-metrics.ts';
import { createWaitTracker, type MessageProcessor, where } from './message-processor.ts';
import { type BackoffOptions, backoffDelay, classifyFailure, sleep } from './retry.ts';

/**
 * Handles the ready records of one partition together: one transaction, one inbox insert, one outbox
 * insert for all of them (see transactional.ts). Resolve when every effect is durable; throw and none
 * happened.
 */
export type BatchHandler = (messages: readonly ConsumedMessage[], context: BatchContext) => Promise<void>;

export interface BatchContext {
  /** 1 on the first call for this batch, 2 on the first retry, … */
  attempt: number;
  signal: AbortSignal;
  logger: Logger;
}

export interface BatchProcessorOptions {
  /** The consumer group, named on the batch's spans. */
  group: string;
  single: MessageProcessor;
  handleBatch: BatchHandler;
  backoff: BackoffOptions;
  metrics: ConsumerMetrics;
  logger: Logger;
  stopping: AbortSignal;
  abandon: AbortSignal;
}

/** The last record of the batch that is done (its offset may be committed), or null for none. */
export type BatchResult = { done: RawRecord | null };

/**
 * What a partition lane does with the records that were ready when it looked. A record that cannot be
 * decoded is parked and one redriven for another group passed by, as one at a time would; the rest go to
 * the batch handler together. The batch is retried whole while a dependency is down or the failure is
 * transient (the same work succeeds again); any other failure replays it one record at a time under the
 * single-record policy, so one poison record is dead-lettered and never holds the others back.
 */
export function createBatchProcessor(
  options: BatchProcessorOptions,
): (records: RawRecord[]) => Promise<BatchResult> {
  async function one(records: RawRecord[]): Promise<BatchResult> {
    let done: RawRecord | null = null;
    for (const record of records) {
      if ((await options.single.process(record)) === 'abandoned') return { done };
      done = record;
    }
    return { done };
  }

  async function callBatch(messages: ConsumedMessage[], attempt: number, logger: Logger): Promise<unknown> {
    const started = performance.now();
    try {
      await options.handleBatch(messages, { attempt, signal: options.abandon, logger });
      return undefined;
    } catch (error) {
      return error ?? new Error('batch handler threw a nullish value');
    } finally {
      const seconds = (performance.now() - started) / 1000 / messages.length;
      for (const message of messages) options.metrics.observeHandle(message.topic, seconds);
    }
  }

  /** The batch under the retry policy: handled, replay it one by one, or stopped (abandoned). */
  function handleAll(accepted: { record: RawRecord; message: ConsumedMessage }[]) {
    const messages = accepted.map((item) => item.message);
    for (const message of messages) recordWait(message, options.group);
    return withProcessSpan(messages, options.group, () => retryBatch(accepted));
  }

  async function retryBatch(accepted: { record: RawRecord; message: ConsumedMessage }[]) {
    const first = accepted[0]?.record;
    const topic = first?.topic ?? '';
    const logger = options.logger.child({ ...(first ? where(first) : {}), batch: accepted.length });
    const waiting = createWaitTracker(options.metrics, topic, logger);
    try {
      for (let attempt = 1; ; attempt++) {
        const error = await callBatch(
          accepted.map((item) => item.message),
          attempt,
          logger,
        );
        if (error === undefined) {
          for (const item of accepted) options.metrics.handled(item.record.topic);
          return 'handled' as const;
        }
        const failure = classifyFailure(error);
        if (failure === 'permanent' || failure === 'unknown') {
          logger.warn({ err: error, failure }, 'batch failed; handling its records one at a time');
          return 'one-by-one' as const;
        }
        const delay = backoffDelay(attempt, options.backoff);
        waiting.failed(error, failure, attempt, delay);
        options.metrics.retried(topic, failure);
        if (!(await sleep(delay, options.stopping))) return 'abandoned' as const;
      }
    } finally {
      waiting.done();
    }
  }

  return async (records) => {
    if (records.length === 1) return one(records);
    const accepted: { record: RawRecord; message: ConsumedMessage }[] = [];
    for (const record of records) {
      const verdict = await options.single.accept(record);
      if ('message' in verdict) accepted.push({ record, message: verdict.message });
      else if (verdict.outcome === 'abandoned') return { done: null };
    }
    if (accepted.length === 0) return { done: records.at(-1) ?? null };
    const outcome = await handleAll(accepted);
    if (outcome === 'abandoned') return { done: null };
    if (outcome === 'one-by-one') {
      const replay = await one(accepted.map((item) => item.record));
      // Parked and passed-by records in between are done too once everything after them is.
      return replay.done === accepted.at(-1)?.record ? { done: records.at(-1) ?? null } : replay;
    }
    return { done: records.at(-1) ?? null };
  };
}

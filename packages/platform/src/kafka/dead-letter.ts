import { deadLetterHeaderNames as dlq } from '@microshop/contracts';
import type { Logger } from 'pino';
import type { RawRecord } from './codec.ts';
import type { EventProducer } from './producer.ts';
import { backoffDelay, errorCode, errorMessage, sleep } from './retry.ts';

// The header names are part of the messages' contract: they live in @microshop/contracts.
export { redriveHeaders } from '@microshop/contracts';

export interface DeadLetterFailure {
  group: string;
  error: unknown;
  /** Handler attempts made; 0 when the message could not even be decoded. */
  attempts: number;
  failedAt: Date;
}

/**
 * The original headers plus `dlq.*` headers saying where the message came from and why it failed,
 * so an operator can read, fix and replay it without any other record.
 */
export function deadLetterHeaders(record: RawRecord, failure: DeadLetterFailure): Record<string, Buffer> {
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of record.headers) headers[name.toString('utf8')] = value ?? Buffer.alloc(0);
  const added: Record<string, string> = {
    [dlq.topic]: record.topic,
    [dlq.partition]: String(record.partition),
    [dlq.offset]: record.offset.toString(),
    [dlq.group]: failure.group,
    [dlq.error]: errorMessage(failure.error),
    [dlq.errorCode]: errorCode(failure.error),
    [dlq.attempts]: String(failure.attempts),
    [dlq.failedAt]: failure.failedAt.toISOString(),
  };
  for (const [name, value] of Object.entries(added)) headers[name] = Buffer.from(value, 'utf8');
  return headers;
}

export interface DeadLetterSender {
  /**
   * Produces the original key and value bytes to the dead-letter topic. Retries until the broker
   * accepts it, because the offset may only be committed once the message is parked somewhere;
   * resolves false if `signal` aborts first (shutdown), in which case nothing may be committed.
   */
  send(record: RawRecord, failure: DeadLetterFailure, signal: AbortSignal): Promise<boolean>;
}

export function createDeadLetterSender(
  producer: EventProducer,
  topic: string,
  logger: Logger,
): DeadLetterSender {
  async function send(record: RawRecord, failure: DeadLetterFailure, signal: AbortSignal): Promise<boolean> {
    const message = {
      topic,
      key: record.key ?? null,
      value: record.value ?? null,
      headers: deadLetterHeaders(record, failure),
    };
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        await producer.send([message]);
        return true;
      } catch (error) {
        logger.error(
          { err: error, deadLetterTopic: topic, attempt },
          'could not produce to the dead-letter topic',
        );
        await sleep(backoffDelay(attempt, { initialMs: 500, maxMs: 30_000 }), signal);
      }
    }
    return false;
  }
  return { send };
}

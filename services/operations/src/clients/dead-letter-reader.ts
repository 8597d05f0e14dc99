import { setTimeout as sleep } from 'node:timers/promises';
import { type BackgroundPart, backoffDelay, type Logger } from '@microshop/platform';
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';

/**
 * Reads microshop.dead-letter record by record, as raw bytes, and hands each to `index` before
 * committing its offset (at least once; indexing is idempotent). Not the kit's consumer, on purpose:
 * that one parses values as JSON and parks what it cannot handle on the dead-letter topic, and a dead
 * letter's value is often exactly what could not be parsed, so the kit's consumer would park it again,
 * on the topic it reads, for ever. This reader never parks anything: a record it cannot index yet
 * (the database is down) is tried again, with backoff, until it can.
 */

export interface DeadLetterRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Map<Buffer, Buffer>;
}

export interface DeadLetterReaderOptions {
  bootstrapServers: readonly string[];
  /** One topic, or several (the order-flow index reads every order topic the same raw way). */
  topic: string | readonly string[];
  groupId: string;
  clientId: string;
  logger: Logger;
  index(record: DeadLetterRecord): Promise<void>;
}

type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

export async function startDeadLetterReader(options: DeadLetterReaderOptions): Promise<BackgroundPart> {
  const logger = options.logger.child({ component: 'dead-letter-reader', group: options.groupId });
  const consumer = new Consumer({
    clientId: options.clientId,
    groupId: options.groupId,
    bootstrapBrokers: [...options.bootstrapServers],
    autocommit: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 2_000,
  });
  const stopping = new AbortController();
  let stream: Stream | null = null;
  const open = async () => {
    stream = await consumer.consume({
      topics: typeof options.topic === 'string' ? [options.topic] : [...options.topic],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
    });
    return stream;
  };

  async function drain(from: Stream): Promise<void> {
    for await (const message of from as AsyncIterable<Message<Buffer, Buffer, Buffer, Buffer>>) {
      if (!(await indexUntilDone(message))) return;
      try {
        await message.commit();
      } catch (error) {
        // Read again after a rebalance, and indexed again to no effect.
        logger.warn(
          { err: error, partition: message.partition, offset: String(message.offset) },
          'commit failed',
        );
      }
    }
  }

  async function indexUntilDone(message: Message<Buffer, Buffer, Buffer, Buffer>): Promise<boolean> {
    const record: DeadLetterRecord = {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      timestamp: message.timestamp,
      key: message.key ?? null,
      value: message.value ?? null,
      headers: message.headers,
    };
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      try {
        await options.index(record);
        return true;
      } catch (error) {
        const retryInMs = backoffDelay(attempt, { initialMs: 500, maxMs: 30_000 });
        logger.error(
          { err: error, offset: String(message.offset), attempt, retryInMs },
          'indexing a dead letter failed',
        );
        if (!(await pause(retryInMs))) return false;
      }
    }
    return false;
  }

  const pause = (ms: number) => sleep(ms, true, { signal: stopping.signal }).catch(() => false);

  async function run(first: Stream): Promise<void> {
    let current: Stream | null = first;
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      try {
        if (current === null) current = await open();
        await drain(current);
      } catch (error) {
        if (!stopping.signal.aborted)
          logger.error({ err: error, attempt }, 'dead-letter stream failed; reopening');
      }
      current = null;
      if (!(await pause(backoffDelay(attempt, { initialMs: 1_000, maxMs: 30_000 })))) return;
    }
  }

  const running = run(await open());
  return {
    check: () => !stopping.signal.aborted,
    async stop() {
      stopping.abort();
      await (stream as Stream | null)?.close().catch(() => {});
      await running;
      await consumer
        .close(true)
        .catch((error: unknown) => logger.warn({ err: error }, 'leaving the group failed'));
    },
  };
}

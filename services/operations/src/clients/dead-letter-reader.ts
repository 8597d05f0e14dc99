import { setTimeout as sleep } from 'node:timers/promises';
import { type BackgroundPart, backoffDelay, type Logger } from '@microshop/platform';
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';

/**
 * Reads microshop.dead-letter as raw bytes, in batches of the records fetched (`maxBatch`, gathered for
 * `lingerMs` after the first), and hands each batch to `index` before committing its offsets (at least
 * once; indexing is idempotent). Not the kit's consumer, on purpose:
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
  /** Indexes a batch of records, in offset order per partition; a batch that fails is tried again whole. */
  index(records: readonly DeadLetterRecord[]): Promise<void>;
  /** Records per batch at most. Default 1: each record is indexed and committed on its own. */
  maxBatch?: number;
  /** How long a batch waits for more records after its first (default 0: only what is fetched already). */
  lingerMs?: number;
}

/** `index` of one record at a time, as a batch indexer. */
export function oneByOne(
  index: (record: DeadLetterRecord) => Promise<void>,
): (records: readonly DeadLetterRecord[]) => Promise<void> {
  return async (records) => {
    for (const record of records) await index(record);
  };
}

type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;
type RawMessage = Message<Buffer, Buffer, Buffer, Buffer>;

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
  // A rejoin that failed is an 'error' event of the client; unheard, it would throw inside the client's
  // callbacks (a socket's close handler at stop) and leave it half closed.
  consumer.on('error', (error) => {
    if (!stopping.signal.aborted) logger.warn({ err: error }, 'consumer group rejoin failed');
  });
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

  const maxBatch = Math.max(1, options.maxBatch ?? 1);
  const lingerMs = options.lingerMs ?? 0;

  async function drain(from: Stream): Promise<void> {
    const readable = whenReadable(from);
    for (;;) {
      const batch = await nextBatch(from, readable);
      if (batch === null || !(await indexUntilDone(batch))) return;
      try {
        // The stream merges these into one commit request.
        await Promise.all(lastPerPartition(batch).map((message) => message.commit()));
      } catch (error) {
        // Read again after a rebalance, and indexed again to no effect.
        logger.warn({ err: error, records: batch.length }, 'commit failed');
      }
    }
  }

  /** The next batch: what is fetched already, and what arrives within `lingerMs`; null once `from` ends. */
  async function nextBatch(from: Stream, readable: () => Promise<void>): Promise<RawMessage[] | null> {
    const batch: RawMessage[] = [];
    while (take(from, batch) === 0) {
      if (from.readableEnded || from.destroyed) return null;
      await readable();
    }
    if (batch.length < maxBatch && lingerMs > 0 && (await pause(lingerMs))) take(from, batch);
    return batch;
  }

  function take(from: Stream, batch: RawMessage[]): number {
    while (batch.length < maxBatch) {
      const message = from.read() as RawMessage | null;
      if (message === null) break;
      batch.push(message);
    }
    return batch.length;
  }

  async function indexUntilDone(batch: readonly RawMessage[]): Promise<boolean> {
    const records = batch.map(recordOf);
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      try {
        await options.index(records);
        return true;
      } catch (error) {
        const retryInMs = backoffDelay(attempt, { initialMs: 500, maxMs: 30_000 });
        logger.error(
          { err: error, offset: String(batch[0]?.offset), records: batch.length, attempt, retryInMs },
          'indexing records failed',
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

function recordOf(message: RawMessage): DeadLetterRecord {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: message.headers,
  };
}

/** The last message of each partition in `batch`: committing it commits the ones before. */
function lastPerPartition(batch: readonly RawMessage[]): RawMessage[] {
  const last = new Map<string, RawMessage>();
  for (const message of batch) last.set(`${message.topic}:${message.partition}`, message);
  return [...last.values()];
}

/**
 * A wait for `from` to have something to read (or to end, or close; it rejects if the stream fails).
 * Its 'readable' listener stays for the stream's life: without one the stream counts as unread and
 * stops fetching, and a read() meanwhile would never start it again.
 */
function whenReadable(from: Stream): () => Promise<void> {
  let waiting: { resolve: () => void; reject: (error: Error) => void } | null = null;
  let failed: Error | null = null;
  const wake = () => {
    waiting?.resolve();
    waiting = null;
  };
  from.on('readable', wake).on('end', wake).on('close', wake);
  from.on('error', (error: Error) => {
    failed = error;
    waiting?.reject(error);
    waiting = null;
  });
  return () =>
    failed === null
      ? new Promise((resolve, reject) => {
          waiting = { resolve, reject };
        })
      : Promise.reject(failed);
}

import { topics as contractTopics } from '@microshop/contracts';
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type BatchHandler, createBatchProcessor } from './batch-processor.ts';
import type { ConsumedMessage, RawRecord } from './codec.ts';
import { createConsumerMetrics } from './consumer-metrics.ts';
import { createDeadLetterSender } from './dead-letter.ts';
import { startLagMonitor } from './lag-monitor.ts';
import { watchMembership } from './membership-watch.ts';
import { createMessageProcessor, type MessageHandler } from './message-processor.ts';
import { createOffsetCommitter, type OffsetCommitter, type OffsetToCommit } from './offset-committer.ts';
import { brokerList, defaultCommitIntervalMs } from './options.ts';
import { createPartitionLanes, type PartitionLanes } from './partition-lanes.ts';
import { createProducer, type EventProducer } from './producer.ts';
import { backoffDelay, sleep } from './retry.ts';

export interface EventConsumerOptions {
  bootstrapServers: string | readonly string[];
  groupId: string;
  clientId: string;
  topics: readonly string[];
  logger: Logger;
  metrics?: Registry;
  handle: MessageHandler;
  /**
   * Whether the group acts on a decoded record at all (a transactional handler's `decode` not null).
   * One it does not want (another event type on a shared topic) is done at once: no handler call, no
   * trace span, its offset committed with the others. Without it every record goes to the handler.
   */
  wants?: (message: ConsumedMessage) => boolean;
  /**
   * Handles the ready records of one partition together (a transactional handler's batch form): one
   * transaction for all of them. Without it records are handled one at a time.
   */
  handleBatch?: BatchHandler;
  /** The most records one batch holds; default 100. */
  maxBatchSize?: number;
  /**
   * Handler calls before a message failing for an unknown reason (a bug) is dead-lettered; 1 means no
   * retry. Default 5. A dependency that is down (database, broker, provider) is waited out however
   * long it takes, and a permanent failure is dead-lettered at once (see `classifyFailure`).
   */
  maxAttempts?: number;
  /** Delay before the first retry, doubled each time up to `maxRetryBackoffMs`. Default 200 ms. */
  retryBackoffMs?: number;
  /** The longest wait between two attempts, so a dependency that came back is noticed soon. Default 10 s. */
  maxRetryBackoffMs?: number;
  /** Default topic: `microshop.dead-letter`. Without a producer the consumer creates its own. */
  deadLetter?: { topic?: string; producer?: EventProducer };
  /**
   * How long stop() waits for in-flight handlers before giving them up (uncommitted, so redelivered).
   * Default 5 s: within the service kit's overall stop deadline, leaving time to commit and leave the group.
   */
  shutdownTimeoutMs?: number;
  /** Messages fetched but not yet handled, over all partitions, before fetching pauses. Default 500. */
  maxBufferedMessages?: number;
  /** The broker considers the member dead after this long without heartbeat. Default 10 s. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /**
   * The least time between two offset commits of this member; what is handled meanwhile goes in the next
   * one. Default 200 ms: a few commits a second under load instead of one per batch, each a request the
   * broker writes to its offsets log. Redelivery after a crash grows by as much, and the inbox absorbs it.
   */
  commitIntervalMs?: number;
}

export interface EventConsumer {
  /** Joins the group and starts handling; resolves once the group is joined. */
  start(): Promise<void>;
  /** Stops fetching, lets in-flight handlers finish, commits, leaves the group. Idempotent. */
  stop(): Promise<void>;
  /** Records fetched and not done yet: queued behind their partition's earlier ones, or being handled. */
  buffered(): number;
}

type Item = RawRecord & { leaderEpoch: number };
type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

/**
 * The longest stop() waits for each step that talks to the broker (closing the fetch stream, leaving
 * the group, closing its own producer); the last commit gets `commitStepTimeoutMs`, room for two
 * attempts. Each step normally takes milliseconds, but a request can wait far longer: the broker
 * handles one request of a connection at a time, so a LeaveGroup sent while the member's own rejoin is
 * pending waits until every other member has rejoined. Past its time a step is logged and given up.
 */
const stopStepTimeoutMs = 3_000;
const commitStepTimeoutMs = 5_000;

/**
 * A consumer-group member with at-least-once delivery: an offset is committed only after the handler
 * of that message (and of every earlier one on its partition) has finished, or after the message has
 * been parked on the dead-letter topic. A crash before the commit means redelivery, never loss.
 */
export function createEventConsumer(options: EventConsumerOptions): EventConsumer {
  const logger = options.logger.child({ component: 'kafka-consumer', group: options.groupId });
  const maxBuffered = options.maxBufferedMessages ?? 500;
  const sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
  const stopping = new AbortController();
  const abandon = new AbortController();
  const consumer = new Consumer({
    clientId: options.clientId,
    groupId: options.groupId,
    bootstrapBrokers: brokerList(options.bootstrapServers),
    // Never commit on the library's own schedule: it would commit what was fetched, not what was handled.
    autocommit: false,
    // A member that crashed keeps its partitions until its session times out: 10 s bounds how long a
    // killed instance's partitions wait for a restarted or surviving one (Kafka's own old default).
    sessionTimeout: sessionTimeoutMs,
    heartbeatInterval: options.heartbeatIntervalMs ?? 2_000,
    highWaterMark: 128,
  });
  const ownsProducer = !options.deadLetter?.producer;
  const deadLetterProducer =
    options.deadLetter?.producer ??
    createProducer({
      bootstrapServers: options.bootstrapServers,
      clientId: `${options.clientId}-dlq`,
      logger,
    });
  const committer: OffsetCommitter = createOffsetCommitter({
    commit: commitOwned,
    logger,
    attemptsAfterClose: 2,
    intervalMs: options.commitIntervalMs ?? defaultCommitIntervalMs,
  });
  const backoff = { initialMs: options.retryBackoffMs ?? 200, maxMs: options.maxRetryBackoffMs ?? 10_000 };
  const metrics = createConsumerMetrics(options.metrics, options.groupId);
  const processor = createMessageProcessor({
    group: options.groupId,
    handle: options.handle,
    wants: options.wants,
    maxAttempts: Math.max(1, options.maxAttempts ?? 5),
    backoff,
    deadLetter: createDeadLetterSender(
      deadLetterProducer,
      options.deadLetter?.topic ?? contractTopics.deadLetter,
      logger,
    ),
    metrics,
    logger,
    stopping: stopping.signal,
    abandon: abandon.signal,
  });
  const processRecords = createBatchProcessor({
    group: options.groupId,
    single: processor,
    handleBatch: options.handleBatch ?? unbatched,
    backoff,
    metrics,
    logger,
    stopping: stopping.signal,
    abandon: abandon.signal,
  });
  const lanes: PartitionLanes<Item> = createPartitionLanes<Item>({
    maxBatch: options.handleBatch ? (options.maxBatchSize ?? 100) : 1,
    process: async (items) => {
      const { done } = await processRecords(items);
      if (done === null) return;
      const item = done as Item;
      positions.set(`${item.topic}:${item.partition}`, item.offset + 1n);
      committer.mark({
        topic: item.topic,
        partition: item.partition,
        offset: item.offset + 1n,
        leaderEpoch: item.leaderEpoch,
      });
    },
    onDone: () => {
      if (stream?.isPaused() && lanes.size() <= maxBuffered / 2) stream.resume();
    },
    onError: (error, item) =>
      logger.fatal(
        { err: error, topic: item.topic, partition: item.partition },
        'partition stalled by an internal error',
      ),
  });
  /** The next offset to commit of each partition handled since this member got it (for the lag). */
  const positions = new Map<string, bigint>();
  const lagMonitor = startLagMonitor({
    consumer,
    topics: options.topics,
    positions: () => positions,
    report: (topic, partition, records) => metrics.lag(topic, partition, records),
    forget: (topic, partition) => metrics.forgetLag(topic, partition),
    logger,
  });
  let stream: Stream | null = null;
  let starting: Promise<void> | null = null;
  const membership = watchMembership({
    isActive: () => consumer.isActive(),
    joinGroup: () => consumer.joinGroup({}),
    isWanted: () => stream !== null && !stopping.signal.aborted,
    logger,
    graceMs: 2 * sessionTimeoutMs,
  });
  let stopped: Promise<void> | null = null;
  let shutDown: Promise<void> | null = null;

  function isAssigned(topic: string, partition: number): boolean {
    return consumer.assignments?.some((a) => a.topic === topic && a.partitions.includes(partition)) ?? false;
  }

  /**
   * Commits only while the member is active and only partitions it still owns. A commit sent mid-rebalance
   * fails and makes the library rejoin the group, which starts yet another rebalance: with a commit after
   * every message that kept a two-member group rebalancing for good. And an offset of a partition revoked
   * meanwhile would overwrite the new owner's progress with an older one.
   */
  async function commitOwned(offsets: OffsetToCommit[]): Promise<void> {
    // Shorter at shutdown, which has a deadline of its own.
    const limitMs = stopping.signal.aborted ? 2_000 : 10_000;
    for (let waited = 0; !consumer.isActive(); waited += 20) {
      if (waited >= limitMs) throw new Error('consumer group membership not active, cannot commit');
      await sleep(20);
    }
    const owned = offsets.filter((o) => isAssigned(o.topic, o.partition));
    if (owned.length > 0) await consumer.commit({ offsets: owned });
  }

  function onMessage(message: Message<Buffer, Buffer, Buffer, Buffer>, from: Stream): void {
    // Records of a partition just revoked can still arrive from a fetch that was in flight.
    if (stopping.signal.aborted || !isAssigned(message.topic, message.partition)) return;
    lanes.enqueue(toItem(message));
    if (lanes.size() >= maxBuffered) from.pause();
  }

  async function openStream(): Promise<void> {
    const opened: Stream = await consumer.consume({
      topics: [...options.topics],
      // Resume from the group's commit; a new group starts at the beginning so no event is skipped.
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
    });
    stream = opened;
    opened.on('data', (message) => onMessage(message, opened));
    opened.on('error', (error) => logger.error({ err: error }, 'kafka fetch stream failed'));
    opened.on('close', () => {
      if (stopping.signal.aborted || stream !== opened) return;
      logger.warn('kafka fetch stream closed unexpectedly, reopening it');
      stream = null;
      void reopen();
    });
  }

  // Already queued messages are kept: the new stream restarts from the last commit and the lanes
  // skip what they have already accepted.
  async function reopen(): Promise<void> {
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      if (!(await sleep(backoffDelay(attempt, { initialMs: 1_000, maxMs: 30_000 }), stopping.signal))) return;
      try {
        await openStream();
        return;
      } catch (error) {
        logger.error({ err: error, attempt }, 'could not reopen the kafka fetch stream');
      }
    }
  }

  consumer.on('consumer:group:join', (payload) => {
    logger.info({ memberId: payload.memberId, assignments: payload.assignments }, 'joined consumer group');
    lanes.retainOnly(isAssigned);
    for (const key of positions.keys()) {
      const at = key.lastIndexOf(':');
      if (!isAssigned(key.slice(0, at), Number(key.slice(at + 1)))) positions.delete(key);
    }
  });
  consumer.on('consumer:group:rebalance', () => logger.debug('consumer group rebalancing'));
  // The library reports a rejoin that failed (after a heartbeat said the group is rebalancing) as an
  // 'error' event. Unheard, that event throws from inside the library's callbacks, e.g. a socket's close
  // handler when stop() closes the connection the rejoin was waiting on: the close then never finishes.
  consumer.on('error', (error) => {
    if (stopping.signal.aborted) logger.debug({ err: error }, 'consumer group rejoin ended by stop');
    else logger.warn({ err: error }, 'consumer group rejoin failed; the membership watch joins again');
  });
  consumer.on('consumer:heartbeat:error', (payload) =>
    logger.debug({ err: payload.error }, 'heartbeat failed'),
  );

  async function start(): Promise<void> {
    if (stopped) throw new Error(`kafka consumer ${options.groupId} was stopped; create a new one`);
    starting ??= openStream().catch(async (error: unknown) => {
      await shutdown();
      throw error;
    });
    return starting;
  }

  async function drainInFlight(): Promise<void> {
    const timeoutMs = options.shutdownTimeoutMs ?? 5_000;
    const deadline = new AbortController();
    const finished = await Promise.race([
      lanes.idle().then(() => true),
      sleep(timeoutMs, deadline.signal).then(() => false),
    ]);
    deadline.abort(); // clears the timer, which would otherwise keep the process alive
    // Close first: a handler finishing after the deadline must not commit behind the group's back.
    committer.close();
    if (finished) return;
    logger.error({ timeoutMs }, 'handlers still running at shutdown; their messages will be redelivered');
    abandon.abort();
  }

  /** consumer.leaveGroup(true), whose typing picks the callback form. */
  function leaveGroup(): Promise<void> {
    return new Promise((resolve, reject) =>
      consumer.leaveGroup(true, (error) => (error ? reject(error) : resolve())),
    );
  }

  /**
   * Runs one step of the shutdown and waits for it at most `timeoutMs`: false if it did not end in time
   * (it is left running). A step that fails is logged and counts as done.
   */
  async function stopStep(
    step: string,
    run: () => Promise<unknown>,
    timeoutMs = stopStepTimeoutMs,
  ): Promise<boolean> {
    const deadline = new AbortController();
    const ended = await Promise.race([
      run().then(
        () => true,
        (error: unknown) => {
          logger.warn({ err: error }, `${step} failed`);
          return true;
        },
      ),
      sleep(timeoutMs, deadline.signal).then(() => false),
    ]);
    deadline.abort(); // clears the timer
    if (!ended) logger.error({ timeoutMs }, `${step} did not end in time; stopping without it`);
    return ended;
  }

  function shutdown(): Promise<void> {
    shutDown ??= (async () => {
      stopping.abort();
      membership.stop();
      lagMonitor.stop();
      const current = stream;
      stream = null;
      lanes.clearQueued();
      if (current) await stopStep('closing the fetch stream', () => current.close());
      await drainInFlight();
      await stopStep('committing the last offsets', () => committer.flush(), commitStepTimeoutMs);
      // leaveGroup() marks the membership inactive before it sends anything: a rejoin still in flight
      // then ends quietly when close() drops its connection. Failing instead, it would be reported as an
      // 'error' event and re-arm a library timer that keeps the process alive for the rebalance timeout.
      await stopStep('leaving the consumer group', leaveGroup);
      if (!(await stopStep('closing the kafka consumer', () => consumer.close(true)))) {
        // Drop the connections, and the requests stuck on them.
        await stopStep('closing the kafka connections', () => consumer.connections.close());
      }
      if (ownsProducer) await stopStep('closing the dead-letter producer', () => deadLetterProducer.close());
      logger.info('kafka consumer stopped');
    })();
    return shutDown;
  }

  function stop(): Promise<void> {
    stopped ??= (starting ?? Promise.resolve()).then(shutdown, shutdown);
    return stopped;
  }

  return { start, stop, buffered: () => lanes.size() };
}

function toItem(message: Message<Buffer, Buffer, Buffer, Buffer>): Item {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key,
    value: message.value,
    headers: message.headers,
    leaderEpoch: message.leaderEpoch,
  };
}

/** Never called: without a batch handler the lanes hand over one record at a time. */
const unbatched: BatchHandler = async () => {
  throw new Error('this consumer handles records one at a time');
};

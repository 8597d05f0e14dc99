import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumedMessage } from '../src/kafka/codec.ts';
import {
  type ConsumerTestBed,
  countMessages,
  createConsumerTestBed,
  waitUntil,
} from '../src/testing/kafka.ts';
import { testLogger } from '../src/testing/service.ts';

// At-least-once delivery of the event consumer against a real broker: per-partition order, offsets
// committed only after the handler finished, and a graceful stop() that finishes what it started.

const PREFIX = 'consumer';
const logger = testLogger('consumer-test');
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const n = (message: ConsumedMessage) => (message.value as { n: number }).n;

/** What the next consumer of the group gets first, once it has handled something: the `n` of each message. */
async function handledByNextConsumer(bed: ConsumerTestBed): Promise<number[]> {
  const handled: number[] = [];
  const next = await bed.consume(async (message) => {
    handled.push(n(message));
  });
  await waitUntil('the next consumer to handle a message', () => handled.length > 0);
  await next.stop();
  return handled;
}

describe('event consumer: ordering and commits', { timeout: 90_000 }, () => {
  it("handles a partition's messages one at a time in offset order, different partitions concurrently", async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger, partitions: 3 });
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    await f.producer.send(
      Array.from({ length: 36 }, (_, seq) => ({
        topic: f.topic,
        key: keys[seq % keys.length],
        value: { n: seq },
      })),
    );
    const seenPerKey = new Map<string, number[]>();
    const active = new Map<number, number>();
    let overlapsOnAPartition = 0;
    let maxPartitionsAtOnce = 0;
    let handled = 0;
    const consumer = await f.consume(async (message) => {
      active.set(message.partition, (active.get(message.partition) ?? 0) + 1);
      if ((active.get(message.partition) ?? 0) > 1) overlapsOnAPartition++;
      maxPartitionsAtOnce = Math.max(maxPartitionsAtOnce, [...active.values()].filter((c) => c > 0).length);
      await delay(10);
      seenPerKey.set(message.key ?? '', [...(seenPerKey.get(message.key ?? '') ?? []), n(message)]);
      active.set(message.partition, (active.get(message.partition) ?? 0) - 1);
      handled++;
    });
    await waitUntil('36 messages handled', () => handled === 36);
    await consumer.stop();

    assert.equal(overlapsOnAPartition, 0, 'two messages of one partition were handled at the same time');
    for (const [key, seqs] of seenPerKey) {
      assert.deepEqual(
        seqs,
        [...seqs].sort((x, y) => x - y),
        `messages of key ${key} out of order`,
      );
    }
    assert.ok(maxPartitionsAtOnce > 1, 'partitions were never handled concurrently');
    assert.equal(await f.lag(), 0n, 'every handled message should be committed');
  });

  it('does not commit a message whose handler never finished: the next consumer of the group gets it again', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger });
    await f.producer.send([0, 1, 2].map((i) => ({ topic: f.topic, key: 'k', value: { n: i } })));
    const first: number[] = [];
    const crashing = await f.consume(
      async (message, { signal }) => {
        first.push(n(message));
        // Message 2 hangs like a handler stuck on a dead database; shutdown gives up on it.
        if (n(message) === 2) await new Promise((resolve) => signal.addEventListener('abort', resolve));
      },
      { shutdownTimeoutMs: 300 },
    );
    await waitUntil('message 2 to be in its handler', () => first.includes(2));
    await crashing.stop();

    const second: number[] = [];
    const next = await f.consume(async (message) => {
      second.push(n(message));
    });
    await waitUntil('the next consumer to handle a message', () => second.length > 0);
    await next.stop();
    assert.deepEqual(first, [0, 1, 2]);
    assert.deepEqual(second, [2], 'only the unfinished message should come again');
  });

  it('does not commit a message whose handler keeps throwing: after a restart it is delivered again', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger });
    await f.producer.send([0, 1].map((i) => ({ topic: f.topic, key: 'k', value: { n: i } })));
    const attempts: number[] = [];
    const failing = await f.consume(
      async (message, { attempt }) => {
        if (n(message) === 1) {
          attempts.push(attempt);
          throw new Error('database unavailable');
        }
      },
      { maxAttempts: 1_000, retryBackoffMs: 50, maxRetryBackoffMs: 50 },
    );
    await waitUntil('message 1 to be retried', () => attempts.length >= 2);
    const stopStarted = Date.now();
    await failing.stop();
    assert.ok(Date.now() - stopStarted < 5_000, 'stop() should not wait out the retries');

    assert.deepEqual(await handledByNextConsumer(f), [1]);
    assert.equal(await countMessages(f.deadLetterTopic), 0);
  });
});

describe('event consumer: graceful shutdown', { timeout: 90_000 }, () => {
  it('lets the message being handled finish on stop() and commits it, so the next consumer does not get it again', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger });
    await f.producer.send([{ topic: f.topic, key: 'k', value: { n: 0 } }]);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    let finished = false;
    const consumer = await f.consume(async () => {
      started = true;
      await released;
      finished = true;
    });
    await waitUntil('the handler to start', () => started);
    const stopping = consumer.stop();
    assert.equal(consumer.stop(), stopping, 'stop() is idempotent');
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    await delay(300);
    assert.equal(stopped, false, 'stop() must wait for the handler');
    release();
    await stopping;
    assert.equal(finished, true);

    await f.producer.send([{ topic: f.topic, key: 'k', value: { n: 1 } }]);
    assert.deepEqual(await handledByNextConsumer(f), [1]);
  });
});

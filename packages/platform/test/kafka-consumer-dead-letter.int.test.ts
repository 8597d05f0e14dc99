import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { AppError } from '../src/errors.ts';
import type { ConsumedMessage } from '../src/kafka/codec.ts';
import { collectMessages, countMessages, createConsumerTestBed, waitUntil } from '../src/testing/kafka.ts';
import { testLogger } from '../src/testing/service.ts';

// What the event consumer does with messages it cannot handle: retry with backoff, then park them on
// the dead-letter topic with the reason in headers, and carry on with the next one.

const PREFIX = 'consumer-dlq';
const logger = testLogger('dead-letter-test');

const n = (message: ConsumedMessage) => (message.value as { n: number }).n;

describe('event consumer: poison messages and retries', { timeout: 90_000 }, () => {
  it('parks a message that is not JSON on the dead-letter topic with the error in headers and goes on', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger });
    await f.producer.send([
      { topic: f.topic, key: 'k', value: { n: 0 } },
      {
        topic: f.topic,
        key: 'k',
        value: '{"n": 1, oops',
        headers: { id: 'evt-poison', traceparent: '00-abc' },
      },
      { topic: f.topic, key: 'k', value: { n: 2 } },
    ]);
    const handled: number[] = [];
    const consumer = await f.consume(async (message) => {
      handled.push(n(message));
    });
    await waitUntil('the message after the poison one', () => handled.includes(2));
    await consumer.stop();

    assert.deepEqual(handled, [0, 2]);
    const [parked] = await collectMessages({ topic: f.deadLetterTopic, count: 1 });
    assert.ok(parked);
    assert.equal(parked.key, 'k');
    assert.equal(parked.rawValue, '{"n": 1, oops', 'the original bytes are kept');
    assert.equal(parked.headers.id, 'evt-poison');
    assert.equal(parked.headers.traceparent, '00-abc');
    assert.equal(parked.headers['dlq.topic'], f.topic);
    assert.equal(parked.headers['dlq.partition'], '0');
    assert.equal(parked.headers['dlq.offset'], '1');
    assert.equal(parked.headers['dlq.group'], f.groupId);
    assert.equal(parked.headers['dlq.error.code'], 'KAFKA_VALUE_NOT_JSON');
    assert.match(parked.headers['dlq.error'] ?? '', /not JSON/);
    assert.equal(parked.headers['dlq.attempts'], '0');
    assert.ok(Date.now() - Date.parse(parked.headers['dlq.failed-at'] ?? '') < 60_000);
    assert.equal(await f.lag(), 0n, 'the poison message is committed too');
  });

  it('retries a retriable failure with backoff and handles the message once, sending nothing to the dead-letter topic', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger });
    const metrics = new Registry();
    await f.producer.send([0, 1].map((i) => ({ topic: f.topic, key: 'k', value: { n: i } })));
    const attempts: number[] = [];
    const succeeded: number[] = [];
    const consumer = await f.consume(
      async (message, { attempt }) => {
        if (n(message) === 0) {
          attempts.push(attempt);
          if (attempt <= 2) throw new AppError('CONCURRENT_UPDATE', 'could not serialize access');
        }
        succeeded.push(n(message));
      },
      { metrics },
    );
    await waitUntil('both messages handled', () => succeeded.length === 2);
    await consumer.stop();

    assert.deepEqual(attempts, [1, 2, 3]);
    assert.deepEqual(succeeded, [0, 1]);
    assert.equal(await countMessages(f.deadLetterTopic), 0);
    const exposition = await metrics.metrics();
    assert.match(
      exposition,
      new RegExp(`microshop_kafka_messages_handled_total\\{topic="${f.topic}",group="${f.groupId}"\\} 2`),
    );
    assert.match(
      exposition,
      new RegExp(
        `microshop_kafka_message_retries_total\\{topic="${f.topic}",group="${f.groupId}",failure="transient"\\} 2`,
      ),
    );
    assert.doesNotMatch(exposition, /microshop_kafka_messages_dead_lettered_total\{/);
  });

  it('sends a message whose handler fails with a non-retriable error to the dead-letter topic after one attempt', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger });
    await f.producer.send([0, 1].map((i) => ({ topic: f.topic, key: 'k', value: { n: i } })));
    const calls: number[] = [];
    const metrics = new Registry();
    const consumer = await f.consume(
      async (message) => {
        calls.push(n(message));
        if (n(message) === 0) throw new AppError('VALIDATION_FAILED', 'unit price differs from the catalog');
      },
      { metrics },
    );
    await waitUntil('the next message', () => calls.includes(1));
    await consumer.stop();

    assert.deepEqual(calls, [0, 1]);
    const [parked] = await collectMessages({ topic: f.deadLetterTopic, count: 1 });
    assert.deepEqual(parked?.value, { n: 0 });
    assert.equal(parked?.headers['dlq.attempts'], '1');
    assert.equal(parked?.headers['dlq.error.code'], 'VALIDATION_FAILED');
    assert.equal(parked?.headers['dlq.error'], 'unit price differs from the catalog');
    const deadLettered = `microshop_kafka_messages_dead_lettered_total{topic="${f.topic}",group="${f.groupId}",reason="non-retriable"} 1`;
    assert.ok((await metrics.metrics()).includes(deadLettered), 'dead-lettered counter not incremented');
  });

  it('dead-letters a message failing for an unknown reason once it reaches maxAttempts', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger });
    await f.producer.send([{ topic: f.topic, key: 'k', value: { n: 0 } }]);
    const attempts: number[] = [];
    const consumer = await f.consume(
      async (_message, { attempt }) => {
        attempts.push(attempt);
        throw new Error('payment provider timed out');
      },
      { maxAttempts: 3 },
    );
    const [parked] = await collectMessages({ topic: f.deadLetterTopic, count: 1 });
    await consumer.stop();

    assert.deepEqual(attempts, [1, 2, 3]);
    assert.equal(parked?.headers['dlq.attempts'], '3');
    assert.equal(parked?.headers['dlq.error'], 'payment provider timed out');
    assert.equal(await f.lag(), 0n);
  });

  it('waits out a dependency that is down far past maxAttempts, holding only that partition, and dead-letters nothing', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger });
    const metrics = new Registry();
    await f.producer.send([0, 1].map((i) => ({ topic: f.topic, key: 'k', value: { n: i } })));
    const attempts: number[] = [];
    const handled: number[] = [];
    let gaugeWhileDown = '';
    const consumer = await f.consume(
      async (message, { attempt }) => {
        if (n(message) === 0) {
          attempts.push(attempt);
          if (attempt === 5) gaugeWhileDown = await metrics.metrics();
          if (attempt <= 8) throw new AppError('UPSTREAM_UNAVAILABLE', 'database unavailable');
        }
        handled.push(n(message));
      },
      { metrics, maxAttempts: 3, retryBackoffMs: 10, maxRetryBackoffMs: 40 },
    );
    await waitUntil('both messages handled once the dependency is back', () => handled.length === 2);
    await consumer.stop();

    assert.equal(attempts.length, 9, 'eight failures waited out, far past maxAttempts = 3');
    assert.deepEqual(handled, [0, 1], 'the next message waited behind it, in order');
    assert.equal(await countMessages(f.deadLetterTopic), 0);
    const waiting = `microshop_kafka_partitions_waiting{topic="${f.topic}",group="${f.groupId}"}`;
    assert.ok(gaugeWhileDown.includes(`${waiting} 1`), 'the partition reported as waiting');
    assert.ok((await metrics.metrics()).includes(`${waiting} 0`), 'and no longer once it was handled');
  });

  it('handles a redriven record only in the group it is addressed to; other groups pass it by', async (t) => {
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger });
    await f.producer.send([
      { topic: f.topic, key: 'k', value: { n: 0 }, headers: { 'redrive.group': 'some-other-group' } },
      // Not even decodable, but another group's: passed by, not parked again.
      { topic: f.topic, key: 'k', value: '{"n": oops', headers: { 'redrive.group': 'some-other-group' } },
      { topic: f.topic, key: 'k', value: { n: 1 }, headers: { 'redrive.group': f.groupId } },
      { topic: f.topic, key: 'k', value: { n: 2 } },
    ]);
    const handled: number[] = [];
    const consumer = await f.consume(async (message) => {
      handled.push(n(message));
    });
    await waitUntil('the last message', () => handled.includes(2));
    await consumer.stop();

    assert.deepEqual(handled, [1, 2]);
    assert.equal(await f.lag(), 0n, 'the records for another group are committed past');
    assert.equal(await countMessages(f.deadLetterTopic), 0);
  });
});

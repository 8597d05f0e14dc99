import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { inboxTableSql } from '../src/inbox.ts';
import type { ConsumedMessage } from '../src/kafka/codec.ts';
import type { EventConsumer } from '../src/kafka/consumer.ts';
import { asBatchHandler, asMessageHandler, transactional } from '../src/kafka/transactional.ts';
import { outboxTableSql } from '../src/outbox.ts';
import {
  type ConsumerTestBed,
  createConsumerTestBed,
  createTestSchema,
  newTraceparent,
  recordSpans,
  testLogger,
  traceIdOf,
  waitUntil,
} from '../src/testing/index.ts';

// The spans a consumer makes for the records it takes up, through the kit's transactional handlers on
// the real Kafka and PostgreSQL: besides each record's `wait`, a record handled alone has ONE span for
// its handling, `handle <type>`; a batch has a `process` span and a `handle` span per record.

const PREFIX = 'consumer-spans';
const logger = testLogger('consumer-spans');
const spans = recordSpans();
const n = (message: ConsumedMessage) => (message.value as { n: number }).n;

/** The spans of `traceparent`'s trace that the consumer made. */
const consumerSpansOf = (traceparent: string): ReadableSpan[] =>
  spans.ended().filter((span) => span.spanContext().traceId === traceIdOf(traceparent));

const named = (prefix: string) => (span: ReadableSpan) => span.name.startsWith(prefix);

describe('event consumer: the spans of the records it handles', { timeout: 90_000 }, () => {
  /** A consumer whose handler waits for `gate` at record `holdAt` and fails `failOnce` once. */
  async function consumeThings(
    t: Parameters<typeof createConsumerTestBed>[0],
    options: { holdAt?: number; gate?: Promise<void>; failOnce?: number } = {},
  ): Promise<{ f: ConsumerTestBed; consumer: EventConsumer }> {
    const db = await createTestSchema('consumer_spans', t);
    await db.pool.query(`${inboxTableSql(db.name)}; ${outboxTableSql(db.name)}`);
    const f = await createConsumerTestBed(t, { prefix: PREFIX, logger });
    let failed = false;
    const handler = transactional<{ id: string; n: number }>({
      decode: (message) => ({ id: String(message.eventId), n: n(message) }),
      apply: async (event) => {
        if (event.n === options.holdAt) await options.gate;
        if (event.n === options.failOnce && !failed) {
          failed = true;
          throw new Error('the first attempt fails');
        }
      },
    });
    const binding = { pool: db.pool, consumer: f.groupId };
    const consumer = await f.consume(asMessageHandler(handler, binding), {
      handleBatch: asBatchHandler(handler, binding),
    });
    return { f, consumer };
  }

  const send = (f: ConsumerTestBed, records: { n: number; traceparent: string }[]) =>
    f.producer.send(
      records.map(({ n, traceparent }) => ({
        topic: f.topic,
        key: 'k',
        value: { type: 'ThingHappened', n },
        headers: { id: `e-${n}`, traceparent },
      })),
    );

  it('a record handled alone: one `handle <type>` span under the writer’s, with the messaging attributes, beside its `wait`', async (t) => {
    const { f } = await consumeThings(t);
    const writer = newTraceparent();
    await send(f, [{ n: 1, traceparent: writer }]);
    await waitUntil('the record handled', () => consumerSpansOf(writer).some(named('handle ')));

    const trace = consumerSpansOf(writer);
    assert.deepEqual(trace.map((span) => span.name).sort(), ['handle ThingHappened', `wait ${f.topic}`]);
    const handled = trace.find(named('handle '));
    assert.equal(handled?.kind, SpanKind.CONSUMER);
    assert.equal(handled?.parentSpanContext?.spanId, writer.split('-')[2]);
    assert.equal(handled?.attributes['messaging.destination.name'], f.topic);
    assert.equal(handled?.attributes['messaging.consumer.group.name'], f.groupId);
    assert.equal(handled?.status.code, SpanStatusCode.UNSET);
  });

  it('a record that fails once and then succeeds: one span, the failure as an exception event, status OK', async (t) => {
    const { f } = await consumeThings(t, { failOnce: 2 });
    const writer = newTraceparent();
    await send(f, [{ n: 2, traceparent: writer }]);
    await waitUntil('the record handled', () => consumerSpansOf(writer).some(named('handle ')));

    const handled = consumerSpansOf(writer).filter(named('handle '));
    assert.equal(handled.length, 1, 'both attempts in one span');
    assert.deepEqual(
      handled[0]?.events.map((event) => event.attributes?.['exception.message']),
      ['the first attempt fails'],
    );
    assert.equal(handled[0]?.status.code, SpanStatusCode.OK);
  });

  it('records handled in a batch: a `process` span, and a `handle <type>` span for each record in its own trace', async (t) => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { f, consumer } = await consumeThings(t, { holdAt: 10, gate });
    const first = newTraceparent();
    await send(f, [{ n: 10, traceparent: first }]);
    await waitUntil('the first record waiting', () => consumerSpansOf(first).some(named('wait ')));
    const batch = [11, 12, 13].map((i) => ({ n: i, traceparent: newTraceparent() }));
    await send(f, batch);
    await waitUntil('the three queued behind the first', () => consumer.buffered() === 4);
    release();
    const [head] = batch as [(typeof batch)[0]];
    // The `process` span ends after its records' `handle` spans, once the batch has committed.
    await waitUntil(
      'the batch handled',
      () =>
        consumerSpansOf(head.traceparent).some(named('process ')) &&
        batch.every(({ traceparent }) => consumerSpansOf(traceparent).some(named('handle '))),
    );

    const process = consumerSpansOf(head.traceparent).find(named('process '));
    assert.equal(process?.attributes['messaging.batch.message_count'], 3);
    assert.equal(process?.links.length, 2, 'linked to the two other records’ writers');
    for (const { traceparent } of batch) {
      const handled = consumerSpansOf(traceparent).filter(named('handle '));
      assert.equal(handled.length, 1, `one handle span in ${traceparent}`);
    }
    const headHandle = consumerSpansOf(head.traceparent).find(named('handle '));
    assert.equal(headHandle?.parentSpanContext?.spanId, process?.spanContext().spanId);
    // The record held alone before the batch still has a single span for its handling.
    assert.deepEqual(
      consumerSpansOf(first)
        .map((span) => span.name)
        .sort(),
      ['handle ThingHappened', `wait ${f.topic}`],
    );
  });
});

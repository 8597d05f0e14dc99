import {
  type Context,
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { traceAttributes } from '../pure/trace-attributes.ts';

/**
 * Trace context across the outbox and Kafka. A write stores the W3C `traceparent` of the work that
 * made it in the outbox row's `traceparent` column; Debezium's Outbox Event Router places it as the
 * record's `traceparent` header (infra/connectors/microshop-outbox.json); each consumer continues that
 * trace: a `wait` span from the record's timestamp (Debezium's read of the commit) to the moment the
 * consumer takes it up, then a `process` span around the handling, a child of the writer's span. A
 * batch of records from several traces is one `process` span in the first record's trace, linked to
 * the others, and each record's own work (`handle <type>`) is a span in its own trace. A record
 * handled alone needs no second span: its `process` span becomes its `handle <type>` span. A record the
 * group does not act on (another event type on a topic it reads) has no span at all (`wants`). Work
 * deferred from a trace (a parked order, a deadline) stores its `traceparent` and goes on in that
 * trace when it runs (`withStoredTrace`).
 */

export const tracer = () => trace.getTracer('microshop-kit');

/** Whether a sampled trace is running here (its context is what an instrumented HTTP client sends). */
export function inTrace(): boolean {
  return trace.getActiveSpan()?.spanContext() !== undefined && currentTraceparent() !== '';
}

/** The active trace context as a `traceparent` value, or '' when no sampled trace is running. */
export function currentTraceparent(): string {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? '';
}

/** The trace context a record's headers carry (Debezium's header converter may JSON-quote them). */
export function contextOfHeaders(headers: Record<string, string>): Context {
  const traceparent = unquoted(headers.traceparent);
  if (!traceparent) return ROOT_CONTEXT;
  const tracestate = unquoted(headers.tracestate);
  return propagation.extract(ROOT_CONTEXT, tracestate ? { traceparent, tracestate } : { traceparent });
}

function unquoted(value: string | undefined): string | undefined {
  if (value === undefined || value.length < 2 || !value.startsWith('"')) return value;
  return value.slice(1, -1);
}

/** What the kit's consumer spans need of a record. */
export interface TracedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: Date;
  headers: Record<string, string>;
}

/** Marks the active span as acting on `orderId` (a no-op outside a trace). */
export function tagOrder(orderId: unknown): void {
  if (typeof orderId === 'string') trace.getActiveSpan()?.setAttribute(traceAttributes.orderId, orderId);
}

function spanContextOf(record: TracedRecord): SpanContext | undefined {
  return trace.getSpanContext(contextOfHeaders(record.headers));
}

/** The time a record spent between its outbox commit and this consumer, as a span of its own. */
export function recordWait(record: TracedRecord, group: string): void {
  const parent = contextOfHeaders(record.headers);
  if (trace.getSpanContext(parent) === undefined) return;
  const span = tracer().startSpan(
    `wait ${record.topic}`,
    { kind: SpanKind.CONSUMER, startTime: record.timestamp, attributes: messagingAttributes(record, group) },
    parent,
  );
  span.end();
}

/**
 * Runs `handle` for `records` (one, or a batch of one partition) inside a `process` span, a child of
 * the first traced record's writer and linked to the others'. Records that carry no trace context
 * (written outside any traced work: heartbeats, periodic passes) are handled without a span.
 */
export async function withProcessSpan<T>(
  records: readonly TracedRecord[],
  group: string,
  handle: () => Promise<T>,
): Promise<T> {
  const contexts = records.flatMap((record) => spanContextOf(record) ?? []);
  const [first, ...others] = contexts;
  if (first === undefined) return handle();
  const parent = trace.setSpanContext(ROOT_CONTEXT, first);
  const [record] = records as [TracedRecord];
  const span = tracer().startSpan(
    `process ${record.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { ...messagingAttributes(record, group), 'messaging.batch.message_count': records.length },
      links: others.map((linked): Link => ({ context: linked })),
    },
    parent,
  );
  if (records.length === 1) soleRecordSpans.set(record, span);
  return runIn(span, trace.setSpan(parent, span), handle);
}

/**
 * The `process` span of a record handled alone, by record: the record's own work is that span (renamed)
 * instead of a child of it, one span fewer for each record a consumer takes up alone, most of them.
 */
const soleRecordSpans = new WeakMap<TracedRecord, Span>();

/**
 * One record's own work: the `process` span of a record handled alone, renamed; in a batch, a child of
 * the active span when the record belongs to the same trace, else a span in the record's trace linked
 * to the batch's.
 */
export async function withRecordSpan<T>(
  record: TracedRecord,
  name: string,
  handle: () => Promise<T>,
): Promise<T> {
  const sole = soleRecordSpans.get(record);
  if (sole !== undefined && sole === trace.getActiveSpan()) {
    sole.updateName(name);
    return attemptIn(sole, handle);
  }
  const own = spanContextOf(record);
  if (own === undefined) return context.with(ROOT_CONTEXT, handle);
  const active = trace.getActiveSpan()?.spanContext();
  const sameTrace = active !== undefined && active.traceId === own.traceId;
  const parent = sameTrace ? context.active() : trace.setSpanContext(ROOT_CONTEXT, own);
  const links: Link[] = !sameTrace && active !== undefined ? [{ context: active }] : [];
  const span = tracer().startSpan(name, { links }, parent);
  return runIn(span, trace.setSpan(parent, span), handle);
}

/**
 * Runs `work`, deferred from the trace `traceparent` names (stored with the work: a parked order, a
 * deadline), in a span of that trace: a child of the span that stored it, linked to the active span
 * (what set the work off now, a record of another trace or none). So what `work` publishes goes on in
 * the trace it was deferred from. Without a stored trace context, `work` runs in the active one.
 */
export async function withStoredTrace<T>(
  traceparent: string | null | undefined,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  const parent = contextOfHeaders(traceparent ? { traceparent } : {});
  if (trace.getSpanContext(parent) === undefined) return work();
  const active = trace.getActiveSpan()?.spanContext();
  const span = tracer().startSpan(name, { links: active === undefined ? [] : [{ context: active }] }, parent);
  return runIn(span, trace.setSpan(parent, span), work);
}

async function runIn<T>(span: Span, within: Context, handle: () => Promise<T>): Promise<T> {
  try {
    return await context.with(within, handle);
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

function recordFailure(span: Span, error: unknown): void {
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
}

/** Sole-record spans with a failed attempt recorded (`attemptIn`). */
const failedOnce = new WeakSet<Span>();

/**
 * One attempt of a record's work in its `process` span, which it does not end. The consumer retries the
 * record in that same span, so each failed attempt is recorded on it (its exception, an error status),
 * and one that succeeds after a failure sets the status to OK, which overrides the error; the
 * exceptions stay as the record's history. A record that never succeeds keeps the error.
 */
async function attemptIn<T>(span: Span, handle: () => Promise<T>): Promise<T> {
  try {
    const result = await handle();
    if (failedOnce.has(span)) span.setStatus({ code: SpanStatusCode.OK });
    return result;
  } catch (error) {
    failedOnce.add(span);
    recordFailure(span, error);
    throw error;
  }
}

function messagingAttributes(record: TracedRecord, group: string) {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': record.topic,
    'messaging.destination.partition.id': String(record.partition),
    'messaging.kafka.offset': Number(record.offset),
    'messaging.consumer.group.name': group,
  };
}

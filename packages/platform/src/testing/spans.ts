import { randomBytes } from 'node:crypto';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ConsumedMessage } from '../kafka/codec.ts';

/** The spans a test's process has ended, kept in memory. */
export interface RecordedSpans {
  ended(): ReadableSpan[];
}

let exporter: InMemorySpanExporter | undefined;

/**
 * Tracing in a test's own process, as a service process has it (W3C propagation, async context), with
 * every ended span kept in memory instead of exported: for tests of what the kit's spans and the trace
 * context in outbox rows carry. Set up once per process; later calls share it.
 */
export function recordSpans(): RecordedSpans {
  if (exporter === undefined) {
    exporter = new InMemorySpanExporter();
    new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
  }
  const kept = exporter;
  return { ended: () => kept.getFinishedSpans() };
}

/** A W3C `traceparent` of a new sampled trace, as a service that began one would write it. */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/** The trace id a `traceparent` names. */
export function traceIdOf(traceparent: string): string {
  return traceparent.split('-')[1] ?? '';
}

/** `message` as a record written in the trace `traceparent` arrives (its `traceparent` header). */
export function withTraceHeader(message: ConsumedMessage, traceparent: string): ConsumedMessage {
  return { ...message, headers: { ...message.headers, traceparent } };
}

import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

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

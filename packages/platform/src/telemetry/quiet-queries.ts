import type { Context } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Passes every span on to `next` (the exporter's batch processor) except a SQL statement that went
 * well and quickly. A span per statement, some 180 per order, was more than half of an order's spans,
 * each one exported, sent to the operations service and stored. A statement that failed or took at least `minMs` is kept,
 * which is the one worth a look when following an order; the handler's, request's and outbox wait's
 * spans around it always are. `minMs` 0 keeps every statement.
 */
export class QuietQueriesProcessor implements SpanProcessor {
  readonly #next: SpanProcessor;
  readonly #minMs: number;

  constructor(next: SpanProcessor, minMs: number) {
    this.#next = next;
    this.#minMs = minMs;
  }

  onStart(span: Span, parent: Context): void {
    this.#next.onStart(span, parent);
  }

  onEnd(span: ReadableSpan): void {
    if (!isQuietQuery(span, this.#minMs)) this.#next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.#next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#next.shutdown();
  }
}

const sqlScope = '@opentelemetry/instrumentation-pg';

export function isQuietQuery(
  span: Pick<ReadableSpan, 'instrumentationScope' | 'status' | 'duration'>,
  minMs: number,
): boolean {
  if (minMs <= 0 || span.instrumentationScope.name !== sqlScope) return false;
  if (span.status.code === SpanStatusCode.ERROR) return false;
  const [seconds, nanos] = span.duration;
  return seconds * 1000 + nanos / 1e6 < minMs;
}

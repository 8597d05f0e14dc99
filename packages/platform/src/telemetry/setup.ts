import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { QuietQueriesProcessor } from './quiet-queries.ts';
import { ServiceAttributeProcessor } from './scope.ts';

/**
 * The process's OpenTelemetry tracing, set up once: a tracer provider (W3C trace context, the sampler
 * the standard `OTEL_TRACES_SAMPLER` variables choose, parent-based "always on" by default), the
 * instrumentations of node:http (the servers' requests; Fastify runs on it), undici (fetch and the
 * gateway's proxy) and pg (queries), and the kit's own spans (consumers, the outbox wait).
 *
 * Spans are exported over OTLP/HTTP only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; without it nothing leaves the process, though trace
 * ids still reach the logs and the outbox. A SQL statement's span is exported only if it failed or
 * took `TRACE_SQL_MIN_MS` (default 50; 0 exports all), see quiet-queries.ts. `OTEL_SDK_DISABLED=true`
 * turns tracing off altogether.
 *
 * The instrumentations can only wrap `pg` and `node:http` if they are set up before those are
 * loaded, so the stack starts every service process with `--import` of register.ts, which calls this
 * first. The runners call it too (a no-op then); a process started without the flag still gets the
 * kit's spans and the propagation through the outbox, only not the HTTP and SQL spans.
 */

export interface TelemetryState {
  enabled: boolean;
  exporting: boolean;
  provider?: NodeTracerProvider;
}

let state: TelemetryState | undefined;

/** Health checks, metrics scrapes and the trace receiver itself are not worth a span. */
const untracedPaths = /^\/(health|ready|metrics|v1\/traces)(\/|\?|$)/;

export function startTelemetry(env: NodeJS.ProcessEnv = process.env): TelemetryState {
  if (state) return state;
  if (env.OTEL_SDK_DISABLED === 'true') {
    state = { enabled: false, exporting: false };
    return state;
  }
  const exporting = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const processors: SpanProcessor[] = [new ServiceAttributeProcessor()];
  if (exporting) {
    const batches = new BatchSpanProcessor(new OTLPTraceExporter());
    processors.push(new QuietQueriesProcessor(batches, quietQueryMs(env)));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': processName(env) }),
    spanProcessors: processors,
  });
  provider.register();
  registerInstrumentations({ tracerProvider: provider, instrumentations: instrumentations() });
  state = { enabled: true, exporting, provider };
  return state;
}

/** Sends what is buffered; the runners call it as the last stop step. */
export async function flushTelemetry(): Promise<void> {
  await state?.provider?.shutdown();
}

/**
 * `TRACE_SQL_MIN_MS` (default 50): a SQL statement's span is exported if it failed or took this long.
 * Not lower: on a busy machine most statements take a few milliseconds (queueing for a core, a commit's
 * flush), so a low bar exports more spans the busier the stack is, and the spans' cost adds to the load
 * (decision 25 in docs/decisions.md). 50 ms is slow for any statement of ours, as slow-query logs count.
 */
const defaultQuietQueryMs = 50;

function quietQueryMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env.TRACE_SQL_MIN_MS ?? defaultQuietQueryMs);
  return Number.isFinite(value) && value >= 0 ? value : defaultQuietQueryMs;
}

function processName(env: NodeJS.ProcessEnv): string {
  return env.OTEL_SERVICE_NAME ?? env.SERVICE_NAME ?? 'microshop';
}

/**
 * No request or response body, no header (Authorization, cookies) and no query parameter is ever
 * recorded: the HTTP instrumentation records none unless told to, and pg's `enhancedDatabaseReporting`
 * (which would record parameters: passwords, card tokens) stays off. Queries outside any request or
 * consumed event (pool pings, periodic passes) make no span of their own, and neither does taking a
 * connection from the pool (a span per transaction, one in nine of an order's spans, that says nothing
 * the query spans do not).
 */
function instrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => untracedPaths.test(request.url ?? ''),
      requireParentforOutgoingSpans: true,
    }),
    new UndiciInstrumentation({ requireParentforSpans: true }),
    new PgInstrumentation({
      requireParentSpan: true,
      enhancedDatabaseReporting: false,
      ignoreConnectSpans: true,
    }),
  ];
}

import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ServiceAttributeProcessor } from './scope.ts';
import type { StatementSpanOptions } from './statement-spans.ts';

/**
 * The process's OpenTelemetry tracing, set up once: a tracer provider (W3C trace context, the sampler
 * the standard `OTEL_TRACES_SAMPLER` variables choose, parent-based "always on" by default), the
 * instrumentations of node:http (the servers' requests; Fastify runs on it) and undici (fetch and the
 * gateway's proxy), and the kit's own spans (consumers, the outbox wait, and a SQL statement's span
 * when it failed or took `TRACE_SQL_MIN_MS`, default 50; 0 makes one for every statement: see
 * statement-spans.ts).
 *
 * Spans are exported over OTLP/HTTP only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set; without it nothing leaves the process, though trace
 * ids still reach the logs and the outbox. `OTEL_SDK_DISABLED=true` turns tracing off altogether.
 *
 * The instrumentations can only wrap `node:http` if they are set up before it is loaded, so the stack
 * starts every service process with `--import` of register.ts, which calls this first. The runners
 * call it too (a no-op then); a process started without the flag still gets the kit's spans and the
 * propagation through the outbox, only not the HTTP spans.
 */

export interface TelemetryState {
  enabled: boolean;
  exporting: boolean;
  provider?: NodeTracerProvider;
  statements?: StatementSpanOptions;
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
  if (exporting) processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': processName(env) }),
    spanProcessors: processors,
  });
  provider.register();
  registerInstrumentations({ tracerProvider: provider, instrumentations: instrumentations() });
  state = { enabled: true, exporting, provider, statements: { minMs: statementMinMs(env) } };
  return state;
}

/** How the pools of a traced process make SQL statements' spans; undefined when it is not traced. */
export function statementSpanOptions(): StatementSpanOptions | undefined {
  return state?.statements;
}

/** Sends what is buffered; the runners call it as the last stop step. */
export async function flushTelemetry(): Promise<void> {
  await state?.provider?.shutdown();
}

/**
 * `TRACE_SQL_MIN_MS` (default 50): a SQL statement gets a span if it failed or took this long.
 * Not lower: on a busy machine most statements take a few milliseconds (queueing for a core, a commit's
 * flush), so a low bar makes more spans the busier the stack is, and the spans' cost adds to the load
 * (decision 25 in docs/decisions.md). 50 ms is slow for any statement of ours, as slow-query logs count.
 */
const defaultStatementMinMs = 50;

function statementMinMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env.TRACE_SQL_MIN_MS ?? defaultStatementMinMs);
  return Number.isFinite(value) && value >= 0 ? value : defaultStatementMinMs;
}

function processName(env: NodeJS.ProcessEnv): string {
  return env.OTEL_SERVICE_NAME ?? env.SERVICE_NAME ?? 'microshop';
}

/**
 * No request or response body, no header (Authorization, cookies) and no query parameter is ever
 * recorded: the HTTP instrumentation records none unless told to, and a statement's span records its
 * text only (statement-spans.ts). Requests made outside any request or consumed event make no span.
 */
function instrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => untracedPaths.test(request.url ?? ''),
      requireParentforOutgoingSpans: true,
    }),
    new UndiciInstrumentation({ requireParentforSpans: true }),
  ];
}

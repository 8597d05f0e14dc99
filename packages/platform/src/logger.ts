import { trace } from '@opentelemetry/api';
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger } from 'pino';

/**
 * Secrets that must never reach a log line, wherever they sit in a logged object: request headers
 * (fastify logs `req`), a request body, or a message payload logged by a consumer. A card token is
 * redacted under any `token` key one or two levels down, besides every place a payment carries it.
 */
export const redactedPaths: readonly string[] = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.authorization',
  'cookie',
  'headers.cookie',
  'req.headers.cookie',
  'token',
  '*.token',
  '*.*.token',
  'payment.token',
  '*.payment.token',
  'body.payment.token',
  'payload.payment.token',
  'value.payment.token',
];

export interface LoggerOptions {
  /** Becomes the `service` field of every line, so lines from several services can be told apart. */
  service: string;
  level?: LogLevel;
  /** Extra paths to redact, in pino's path syntax. */
  redact?: readonly string[];
  /** Where lines go; stdout when omitted. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/**
 * JSON lines on stdout with ISO times: what a log shipper expects, and still greppable by hand. A line
 * written inside a trace carries its `trace_id` and `span_id`, so a trace leads to its log lines.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...redactedPaths, ...(options.redact ?? [])], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
    },
    options.destination,
  );
}

function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan()?.spanContext();
  return span === undefined ? {} : { trace_id: span.traceId, span_id: span.spanId };
}

import {
  type Attributes,
  type Context,
  context,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type pg from 'pg';

/**
 * A SQL statement's span, made only when it is worth one: the statement failed or took at least `minMs`
 * (`TRACE_SQL_MIN_MS`, default 50; 0 makes one for every statement). It is made once the statement has
 * answered, with the times it really had, as a child of the span that was active when it was sent (a
 * request's, a handler's); a statement sent outside any span makes none.
 *
 * It replaces `@opentelemetry/instrumentation-pg`, which made a span for every statement (some 200 an
 * order) and bound every callback to its context, for the exporter's processor to drop all but the slow
 * and failed ones (decision 27 in docs/decisions.md). Installed on each pooled client as its outermost
 * `query` (db/pool.ts), it sees every statement as its caller sent it, the ones that carry BEGIN or
 * COMMIT along included. Only the statement's text is recorded, never its parameters (card tokens,
 * password hashes).
 */

export interface StatementSpanOptions {
  minMs: number;
  /** Default: the global provider's tracer for the kit's statements. */
  tracer?: Tracer;
}

export const statementScope = '@microshop/platform/sql';

type QueryArgs = unknown[];
type Callback = (error: unknown, result?: unknown) => void;
type Done = (error: unknown) => void;

/** Installs the timing on one client (the pool's last 'connect' listener). */
export function traceStatements(client: pg.ClientBase, options: StatementSpanOptions): void {
  const query = client.query.bind(client) as (...args: QueryArgs) => unknown;
  const tracer = options.tracer ?? trace.getTracer(statementScope);
  const connection = connectionAttributes(client);
  client.query = ((...args: QueryArgs) => {
    const parent = context.active();
    if (trace.getSpan(parent) === undefined) return query(...args);
    const start = performance.now();
    const done: Done = (error) => {
      const end = performance.now();
      if (error == null && end - start < options.minMs) return;
      record(tracer, parent, { text: textOf(args[0]), start, end, error, connection });
    };
    return timed(query, args, done);
  }) as typeof client.query;
}

/** Runs the query, calling `done` once it has answered, whichever of pg's call forms it takes. */
function timed(query: (...args: QueryArgs) => unknown, args: QueryArgs, done: Done): unknown {
  const last = args.at(-1);
  if (typeof last === 'function') {
    return query(...args.slice(0, -1), finishing(last as Callback, done));
  }
  const [first] = args;
  if (typeof first === 'object' && first !== null) {
    const config = first as { submit?: unknown; callback?: unknown };
    const callback = typeof config.callback === 'function' ? (config.callback as Callback) : undefined;
    if (typeof config.submit === 'function') {
      // A submittable (a cursor, a statement carrying BEGIN or COMMIT): timed if it answers a callback.
      if (callback) config.callback = finishing(callback, done);
      return query(...args);
    }
    if (callback) return query({ ...config, callback: finishing(callback, done) }, ...args.slice(1));
  }
  return (query(...args) as Promise<unknown>).then(
    (result) => {
      done(undefined);
      return result;
    },
    (error: unknown) => {
      done(error);
      throw error;
    },
  );
}

function finishing(callback: Callback, done: Done): Callback {
  return (error, result) => {
    done(error ?? undefined);
    callback(error, result);
  };
}

interface Statement {
  text: string;
  start: number;
  end: number;
  error: unknown;
  connection: Attributes;
}

function record(tracer: Tracer, parent: Context, statement: Statement): void {
  const command = statement.text.trimStart().split(/\s/, 1)[0]?.toUpperCase() || 'QUERY';
  const database = statement.connection['db.namespace'];
  const span = tracer.startSpan(
    `pg.query:${command}${database ? ` ${database}` : ''}`,
    {
      kind: SpanKind.CLIENT,
      // performance.now() values: the SDK adds the time origin.
      startTime: statement.start,
      attributes: { ...statement.connection, 'db.query.text': statement.text },
    },
    parent,
  );
  if (statement.error != null) {
    const message = statement.error instanceof Error ? statement.error.message : String(statement.error);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    const code = (statement.error as { code?: unknown }).code;
    if (typeof code === 'string') span.setAttribute('error.type', code);
  }
  span.end(statement.end);
}

function textOf(config: unknown): string {
  if (typeof config === 'string') return config;
  const text = (config as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : '';
}

/** What the span says of the connection (no password), in OpenTelemetry's database conventions. */
function connectionAttributes(client: pg.ClientBase): Attributes {
  const { database, host, port } = client as unknown as {
    database?: string;
    host?: string;
    port?: number;
  };
  const attributes: Attributes = { 'db.system.name': 'postgresql' };
  if (database) attributes['db.namespace'] = database;
  if (host) attributes['server.address'] = host;
  if (port) attributes['server.port'] = port;
  return attributes;
}

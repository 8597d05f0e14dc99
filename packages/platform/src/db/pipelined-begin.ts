import pg from 'pg';

/**
 * A transaction's BEGIN travels with its first statement: one round trip instead of two (a write to
 * the socket, the server's backend woken, the process woken again for the answer). On this machine
 * that is about a tenth of what a small consumer transaction costs (decision 23 in docs/decisions.md),
 * and every order runs some 45 of them. `withTransaction` defers its BEGIN (`begin`); the
 * client's next query, if it is a named prepared statement the connection has already parsed, goes
 * out in one write behind an unnamed BEGIN, both under one Sync (PostgreSQL's pipelining of the
 * extended protocol): the server runs BEGIN, then the statement, and answers once. Any other first
 * query (simple, unnamed, not yet parsed, a cursor) is queued behind a plain BEGIN, as before. A
 * transaction whose work made no query sends neither BEGIN nor COMMIT.
 */

type QueryArgs = unknown[];
type Query = (...args: QueryArgs) => unknown;

/** The clients whose `query` sends a deferred BEGIN (installed on the pool's 'connect'). */
const installed = new WeakSet<pg.ClientBase>();
/** The BEGIN each client has yet to send. */
const pending = new WeakMap<pg.ClientBase, string>();
/** A queued BEGIN that failed: the transaction must not commit what ran outside it. */
const failed = new WeakMap<pg.ClientBase, Error>();

/** Installs the deferred BEGIN on one client (the pool's 'connect' listener). */
export function pipelineBegin(client: pg.PoolClient): void {
  const query = client.query.bind(client) as Query;
  installed.add(client);
  client.query = ((...args: QueryArgs) => {
    const begin = pending.get(client);
    if (begin === undefined) return query(...args);
    pending.delete(client);
    const config = parsedStatement(client, args);
    if (config !== undefined) return submitAfterBegin(query, begin, config);
    if (returnsPromise(args)) return (query(begin) as Promise<unknown>).then(() => query(...args));
    // A callback or a submittable (a cursor) wants `query`'s own return: BEGIN is queued before it.
    (query(begin) as Promise<unknown>).catch((error: Error) => failed.set(client, error));
    return query(...args);
  }) as typeof client.query;
}

/** Starts a transaction on `client`: deferred to its first query where the client can do that, else sent now. */
export async function begin(client: pg.PoolClient, text: string): Promise<void> {
  failed.delete(client);
  if (installed.has(client)) pending.set(client, text);
  else await client.query(text);
}

/**
 * At the end of the transaction's work: whether BEGIN went out, so there is something to COMMIT or roll
 * back (a deferred BEGIN no query took is dropped). Throws if a queued BEGIN failed.
 */
export function settleBegin(client: pg.ClientBase): boolean {
  const error = failed.get(client);
  failed.delete(client);
  const sent = !pending.delete(client);
  if (error) throw error;
  return sent;
}

/** True while a transaction's BEGIN waits for its first query: for its code, the transaction is open. */
export function beginPending(client: pg.ClientBase): boolean {
  return pending.has(client);
}

function returnsPromise(args: QueryArgs): boolean {
  const [config] = args;
  const submittable = typeof (config as { submit?: unknown } | null)?.submit === 'function';
  const callback =
    args.some((arg) => typeof arg === 'function') ||
    typeof (config as { callback?: unknown } | null)?.callback === 'function';
  return !submittable && !callback;
}

interface StatementConfig {
  name: string;
  text: string;
  values: unknown[];
  rowMode?: string;
  types?: unknown;
}

/** The query's config if it is a named statement this connection has parsed, called without a callback. */
function parsedStatement(client: pg.ClientBase, args: QueryArgs): StatementConfig | undefined {
  const [config, ...rest] = args;
  if (rest.length > 0 || typeof config !== 'object' || config === null) return undefined;
  const { name, text, values, submit, callback } = config as Record<string, unknown>;
  if (typeof name !== 'string' || typeof text !== 'string' || !Array.isArray(values)) return undefined;
  if (submit !== undefined || callback !== undefined) return undefined;
  const parsed = (client as unknown as { connection?: { parsedStatements?: Record<string, string> } })
    .connection?.parsedStatements;
  return parsed?.[name] === text ? (config as StatementConfig) : undefined;
}

function submitAfterBegin(query: Query, begin: string, config: StatementConfig): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const callback = (error: Error | null, result: pg.QueryResult) =>
      error ? reject(error) : resolve(result);
    query(new AfterBegin(begin, { ...config, callback } as pg.QueryConfig));
  });
}

interface Connection {
  stream: { cork?: () => void; uncork?: () => void };
  parse(message: { text: string; name: string; types: unknown[] }): void;
  bind(message: { portal: string; statement: string; values: unknown[] }): void;
  execute(message: { portal: string; rows: number }): void;
}

/**
 * A prepared statement's Bind/Describe/Execute/Sync (pg's own `Query`), preceded in the same write by
 * Parse/Bind/Execute of BEGIN as the unnamed statement. BEGIN's CommandComplete is not a result of the
 * query; an error in either is the query's error, after which the server skips to the Sync.
 */
class AfterBegin extends (pg.Query as unknown as new (
  config: pg.QueryConfig,
) => {
  submit(connection: Connection): Error | null;
  handleCommandComplete(message: unknown, connection: Connection): void;
}) {
  readonly #begin: string;
  #begun = false;

  constructor(begin: string, config: pg.QueryConfig) {
    super(config);
    this.#begin = begin;
  }

  override submit(connection: Connection): Error | null {
    connection.stream.cork?.();
    try {
      connection.parse({ text: this.#begin, name: '', types: [] });
      connection.bind({ portal: '', statement: '', values: [] });
      connection.execute({ portal: '', rows: 0 });
      return super.submit(connection);
    } finally {
      connection.stream.uncork?.();
    }
  }

  override handleCommandComplete(message: unknown, connection: Connection): void {
    if (this.#begun) super.handleCommandComplete(message, connection);
    else this.#begun = true;
  }
}

import pg from 'pg';

/**
 * A transaction's BEGIN travels with its first statement, and its COMMIT with its last: one round trip
 * fewer at each end (a write to the socket, the server's backend woken, the process woken again for the
 * answer). On this machine a round trip is about a tenth of what a small consumer transaction costs
 * (decision 23 in docs/decisions.md), and every order runs some 45 transactions.
 *
 * - `withTransaction` defers its BEGIN (`begin`); the client's next query, if it is a named prepared
 *   statement the connection has already parsed, goes out in one write behind an unnamed BEGIN, both
 *   under one Sync (PostgreSQL's pipelining of the extended protocol): the server runs BEGIN, then the
 *   statement, and answers once. Any other first query (simple, unnamed, not yet parsed, a cursor) is
 *   queued behind a plain BEGIN, as before. A transaction whose work made no query sends neither BEGIN
 *   nor COMMIT.
 * - `commitWith` runs the transaction's last statement (the statements its work deferred to its end,
 *   the outbox rows) with an unnamed COMMIT behind it under the same Sync. If the statement fails, the
 *   server skips the COMMIT and the transaction stays open and failed, for the caller to roll back; if
 *   the COMMIT itself fails, or is answered with anything but `COMMIT`, the query fails. Only a
 *   statement that succeeded and a COMMIT answered `COMMIT` resolve.
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

/**
 * Runs `config`, the transaction's last statement, with COMMIT behind it in one round trip (and the
 * transaction's BEGIN before it, if no statement has taken it yet). True when it did: the transaction
 * is committed. False when the statement is not one the connection has parsed: it ran alone, and the
 * caller commits as usual. Throws what the statement or the COMMIT threw (a queued BEGIN's failure
 * first); the caller then rolls back. Meant for a statement that returns no rows: a row that failed to
 * parse would fail the query after the server had committed.
 */
export async function commitWith(client: pg.ClientBase, config: pg.QueryConfig): Promise<boolean> {
  const error = failed.get(client);
  if (error) throw error;
  const parsed = installed.has(client as pg.PoolClient) ? parsedStatement(client, [config]) : undefined;
  // A statement read in pages (`rows`) has no single end to put COMMIT behind.
  if (parsed === undefined || (config as { rows?: unknown }).rows !== undefined) {
    await client.query(config);
    return false;
  }
  const begin = pending.get(client);
  pending.delete(client);
  await submitPipelined(client.query.bind(client) as Query, { begin, commit: true }, parsed);
  return true;
}

function submitAfterBegin(query: Query, begin: string, config: StatementConfig): Promise<pg.QueryResult> {
  return submitPipelined(query, { begin, commit: false }, config);
}

function submitPipelined(
  query: Query,
  edges: { begin: string | undefined; commit: boolean },
  config: StatementConfig,
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const callback = (error: Error | null, result: pg.QueryResult) =>
      error ? reject(error) : resolve(result);
    query(new Pipelined(edges, { ...config, callback } as pg.QueryConfig));
  });
}

interface Connection {
  stream: { cork?: () => void; uncork?: () => void };
  parse(message: { text: string; name: string; types: unknown[] }): void;
  bind(message: { portal: string; statement: string; values: unknown[] }): void;
  execute(message: { portal: string; rows: number | undefined }): void;
  sync(): void;
}

/** An unnamed statement without parameters (BEGIN, COMMIT) as Parse/Bind/Execute, no Sync. */
function sendUnnamed(connection: Connection, text: string): void {
  connection.parse({ text, name: '', types: [] });
  connection.bind({ portal: '', statement: '', values: [] });
  connection.execute({ portal: '', rows: 0 });
}

/**
 * A prepared statement's Bind/Describe/Execute/Sync (pg's own `Query`), in the same write preceded by
 * Parse/Bind/Execute of BEGIN and/or followed (before the Sync) by those of COMMIT, as unnamed
 * statements. BEGIN's and COMMIT's CommandComplete are not results of the query; an error in any is the
 * query's error, after which the server skips to the Sync. A COMMIT answered with another tag (ROLLBACK,
 * for a transaction already failed) is an error too.
 */
class Pipelined extends (pg.Query as unknown as new (
  config: pg.QueryConfig,
) => {
  submit(connection: Connection): Error | null;
  handleCommandComplete(message: unknown, connection: Connection): void;
  handleReadyForQuery(connection: Connection): void;
  handleError(error: Error, connection: Connection): void;
  _getRows(connection: Connection, rows: number | undefined): void;
  portal: string;
}) {
  readonly #begin: string | undefined;
  readonly #commit: boolean;
  #begun: boolean;
  #done = false;
  #commitTag: string | undefined;

  constructor(edges: { begin: string | undefined; commit: boolean }, config: pg.QueryConfig) {
    super(config);
    this.#begin = edges.begin;
    this.#commit = edges.commit;
    this.#begun = edges.begin === undefined;
  }

  override submit(connection: Connection): Error | null {
    connection.stream.cork?.();
    try {
      if (this.#begin !== undefined) sendUnnamed(connection, this.#begin);
      return super.submit(connection);
    } finally {
      connection.stream.uncork?.();
    }
  }

  /** pg's Execute and Sync of the statement; with COMMIT, COMMIT's messages go between them. */
  override _getRows(connection: Connection, rows: number | undefined): void {
    if (!this.#commit) {
      super._getRows(connection, rows);
      return;
    }
    connection.execute({ portal: this.portal, rows });
    sendUnnamed(connection, 'COMMIT');
    connection.sync();
  }

  override handleCommandComplete(message: unknown, connection: Connection): void {
    if (!this.#begun) this.#begun = true;
    else if (!this.#done) {
      this.#done = true;
      super.handleCommandComplete(message, connection);
    } else this.#commitTag = (message as { text?: string }).text;
  }

  override handleReadyForQuery(connection: Connection): void {
    if (this.#commit && this.#commitTag !== 'COMMIT') {
      this.handleError(new Error(`COMMIT was answered ${this.#commitTag ?? 'with nothing'}`), connection);
      return;
    }
    super.handleReadyForQuery(connection);
  }
}

import pg from 'pg';
import type { Logger } from '../logger.ts';
import { statementSpanOptions } from '../telemetry/setup.ts';
import { traceStatements } from '../telemetry/statement-spans.ts';
import { assertIdentifier } from './identifier.ts';
import { mapPgError } from './pg-errors.ts';
import { begin, beginPending, commitWith, pipelineBegin, settleBegin } from './pipelined-begin.ts';
import { nameStatements } from './prepared.ts';

export type { Pool, PoolClient } from 'pg';

export interface PoolOptions {
  connectionString: string;
  /**
   * The service's own schema. Every connection starts with `search_path` set to it (and only it),
   * so the service's SQL says `orders`, never `orders.orders`, and cannot touch another service's
   * tables by accident.
   */
  schema?: string;
  /** Shown in `pg_stat_activity`, so a DBA can tell which service holds a lock. */
  applicationName: string;
  max?: number;
  logger?: Logger;
  /** Parameterized queries as named prepared statements (see prepared.ts). Default true. */
  prepared?: boolean;
}

export function createPool(options: PoolOptions): pg.Pool {
  const searchPath =
    options.schema === undefined
      ? {}
      : { options: `-c search_path=${assertIdentifier(options.schema, 'schema name')}` };
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    application_name: options.applicationName,
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
    ...searchPath,
  });
  // An idle client whose server goes away emits 'error' on the pool; without a listener that
  // would crash the process. The pool drops the client and the next checkout reconnects.
  pool.on('error', (error) => {
    options.logger?.warn({ err: error }, 'idle database connection failed; it will be replaced');
  });
  // In this order: the naming wraps the pipelining, so a BEGIN travels with a named statement; the
  // statements' spans wrap both, so they time each statement as its caller sent it.
  pool.on('connect', pipelineBegin);
  if (options.prepared ?? true) pool.on('connect', nameStatements);
  const statements = statementSpanOptions();
  if (statements) pool.on('connect', (client) => traceStatements(client, statements));
  return pool;
}

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

/**
 * Runs `fn` inside BEGIN … COMMIT on one client, rolls back if `fn` (or COMMIT) throws, always
 * releases the client, and rethrows, mapped: a serialization failure or deadlock becomes a
 * retriable AppError (CONCURRENT_UPDATE), a lost connection UPSTREAM_UNAVAILABLE.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: { isolationLevel?: IsolationLevel } = {},
): Promise<T> {
  const client = await connect(pool);
  const deferred = new Map<string, Deferred>();
  deferrals.set(client, deferred);
  let broken: Error | undefined;
  // A checked-out client has no 'error' listener of the pool's: a server that goes away between two
  // of its queries (PostgreSQL restarting) would crash the process. Kept here, the error makes the
  // next query fail, the transaction throws (UPSTREAM_UNAVAILABLE) and the client is destroyed.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    // Sent with the first statement `fn` makes (pipelined-begin.ts); none made, none sent.
    await begin(
      client,
      options.isolationLevel === undefined ? 'BEGIN' : `BEGIN ISOLATION LEVEL ${options.isolationLevel}`,
    );
    const result = await fn(client);
    if (!(await runDeferred(client, deferred)) && settleBegin(client)) await client.query('COMMIT');
    return result;
  } catch (error) {
    if (sentBegin(client)) broken = (await rollbackQuietly(client)) ?? broken;
    throw mapPgError(error);
  } finally {
    // A client whose ROLLBACK failed (or whose connection broke) is in an unknown state: passing the
    // error destroys it instead of handing it to the next caller mid-transaction.
    deferrals.delete(client);
    client.removeListener('error', onError);
    client.release(broken);
  }
}

/** A statement deferred to the end of a transaction, and the items it writes. */
interface Deferred {
  items: unknown[];
  statement: (items: unknown[]) => pg.QueryConfig;
}

/** The deferred statements of the transaction `withTransaction` is running on each client. */
const deferrals = new WeakMap<pg.ClientBase, Map<string, Deferred>>();

/**
 * Inside `withTransaction`: leaves `items` for one statement at the end of the transaction's work, which
 * writes every item deferred under `key` in this transaction (`statement` builds it, in the order they
 * were deferred). The transaction's last statement takes its COMMIT along (pipelined-begin.ts): a write
 * nothing in the transaction reads back (the outbox) costs no round trip of its own. An error of the
 * statement fails the transaction as any other would. Returns false, deferring nothing, on a client
 * not in a `withTransaction` (a transaction begun by hand): the caller then writes at once.
 */
export function deferToCommit<T>(
  client: pg.ClientBase,
  key: string,
  items: readonly T[],
  statement: (items: T[]) => pg.QueryConfig,
): boolean {
  const deferred = deferrals.get(client);
  if (deferred === undefined) return false;
  const entry = deferred.get(key);
  if (entry === undefined) {
    deferred.set(key, { items: [...items], statement: statement as Deferred['statement'] });
  } else entry.items.push(...items);
  return true;
}

/** Runs the deferred statements, the last with COMMIT where it can: true when that committed. */
async function runDeferred(client: pg.PoolClient, deferred: Map<string, Deferred>): Promise<boolean> {
  const statements = [...deferred.values()].map(({ items, statement }) => statement(items));
  deferred.clear();
  const last = statements.pop();
  for (const statement of statements) await client.query(statement);
  return last === undefined ? false : commitWith(client, last);
}

async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw mapPgError(error);
  }
}

/** Whether a failed transaction's BEGIN went out (its failure, if any, is already being thrown). */
function sentBegin(client: pg.PoolClient): boolean {
  try {
    return settleBegin(client);
  } catch {
    return true;
  }
}

async function rollbackQuietly(client: pg.PoolClient): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** A readiness probe: one round trip. */
export async function ping(pool: pg.Pool): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    throw mapPgError(error);
  }
}

/**
 * True when `client` is inside an open transaction: one whose BEGIN waits for its first statement, or
 * one the server reports (pg tracks its ReadyForQuery status).
 * Used to refuse outbox and inbox writes made outside the caller's transaction.
 */
export function isInTransaction(client: pg.ClientBase): boolean {
  if (beginPending(client)) return true;
  const status = (client as { getTransactionStatus?: () => string | null }).getTransactionStatus?.();
  return status === 'T';
}

import type pg from 'pg';
import { type IsolationLevel, withTransaction } from '../src/db/pool.ts';

/**
 * Runs `work` in `withTransaction` on `pool` and counts the transaction's round trips: the server's
 * ReadyForQuery answers on its connection, one per round trip (for the tests of db/pipelined-begin.ts).
 */
export async function countRoundTrips<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: { isolationLevel?: IsolationLevel } = {},
): Promise<{ trips: number; result: T }> {
  let trips = 0;
  let connection: {
    on(event: string, listener: () => void): void;
    off(event: string, listener: () => void): void;
  };
  const count = () => void trips++;
  const result = await withTransaction(
    pool,
    async (client) => {
      connection = (client as unknown as { connection: typeof connection }).connection;
      connection.on('readyForQuery', count);
      return work(client);
    },
    options,
  ).finally(() => connection?.off('readyForQuery', count));
  return { trips, result };
}

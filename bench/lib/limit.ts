// The checkout's "limit": PostgreSQL alone running the ten commits one order needs from POST to
// SHIPPED (bench/sql/order-limit.sql), on the bench stack with no service running, so the report
// shows how far the whole system is from what the database allows on the same machine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot } from '../../infra/src/paths.ts';
import { databaseUrl } from '../../infra/src/settings.ts';
import { pgbench, prepareOrdersSchema } from './pgbench.ts';
import { withBenchStack } from './stack.ts';

const schema = 'bench_limit';

export interface Limit {
  /** Orders per second: one pgbench transaction of the script is one whole order. */
  ordersPerSecond: number;
  clients: number;
}

export async function measureLimit(seconds: number, clients = 8): Promise<Limit> {
  return withBenchStack(
    async (settings) => {
      await prepareOrdersSchema(settings, schema);
      const client = new pg.Client({
        connectionString: databaseUrl(settings),
        options: `-c search_path=${schema}`,
      });
      await client.connect();
      await client.query(readFileSync(join(repoRoot, 'bench', 'sql', 'order-step.sql'), 'utf8'));
      await client.end();
      const run = await pgbench(settings, { script: 'order-limit.sql', schema, clients, seconds });
      return { ordersPerSecond: run.tps, clients };
    },
    { services: [] },
  );
}

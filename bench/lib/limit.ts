// The checkout's "limit": PostgreSQL alone running the ten commits one order needs from POST to
// SHIPPED (bench/sql/order-limit.sql), on the bench stack with no service running, so the report
// shows how far the whole system is from what the database allows on the same machine.
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
      const run = await pgbench(settings, { script: 'order-limit.sql', schema, clients, seconds });
      return { ordersPerSecond: run.tps, clients };
    },
    { services: [] },
  );
}

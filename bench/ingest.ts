// Ingest: orders/s through the gateway (HTTP → gateway → orders → one PostgreSQL transaction with the
// outbox row) at 8 and 32 concurrent clients, against pgbench running the same transaction on the
// same PostgreSQL in the same run. Figures go to docs/benchmarks.md.
import { type ServiceSpec, serviceSpecs } from '../infra/src/apphost.ts';
import { gatewayUrl } from '../infra/src/settings.ts';
import { closedLoop, summarize } from './lib/load.ts';
import { postOrder } from './lib/orders.ts';
import { pgbench, prepareOrdersSchema } from './lib/pgbench.ts';
import { machine, table, writeSection } from './lib/report.ts';
import { withBenchStack } from './lib/stack.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const pgbenchSchema = 'bench_pgbench';

// Two stacks: the write path alone (gateway, two orders instances, Debezium relaying the outbox), and
// every service, whose validators and saga then compete for the same two cores.
const configurations: { label: string; services?: ServiceSpec[] }[] = [
  {
    label: 'gateway + 2 orders',
    services: serviceSpecs.filter((spec) => spec.name === 'orders' || spec.name === 'gateway'),
  },
  { label: 'every service' },
];

async function measure(services: ServiceSpec[] | undefined, label: string): Promise<(string | number)[][]> {
  return withBenchStack(
    async (settings) => {
      await prepareOrdersSchema(settings, pgbenchSchema);
      await closedLoop(gatewayUrl(settings), 8, 5, async (pool) => (await postOrder(pool)) !== null); // warm-up
      const result: (string | number)[][] = [];
      for (const clients of [8, 32]) {
        const http = await closedLoop(
          gatewayUrl(settings),
          clients,
          seconds,
          async (pool) => (await postOrder(pool)) !== null,
        );
        const rate = http.requests / http.seconds;
        const lat = summarize(http.latencies);
        const run = { schema: pgbenchSchema, clients, seconds };
        const same = (
          await pgbench(settings, {
            ...run,
            script: 'create-order.sql',
            define: { topic: 'microshop.bench' },
          })
        ).tps;
        const two = (await pgbench(settings, { ...run, script: 'two-rows.sql' })).tps;
        console.log(
          `${label}, ${clients} clients: ${rate.toFixed(0)} orders/s via gateway; pgbench ${same.toFixed(0)} (same tx), ${two.toFixed(0)} (two rows)`,
        );
        result.push([
          label,
          clients,
          rate.toFixed(0),
          `${lat.p50.toFixed(1)} / ${lat.p99.toFixed(1)}`,
          http.errors,
          same.toFixed(0),
          (rate / same).toFixed(2),
          two.toFixed(0),
          (rate / two).toFixed(2),
        ]);
      }
      return result;
    },
    { services },
  );
}

export async function ingest(): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const { label, services } of configurations) rows.push(...(await measure(services, label)));
  writeSection(
    'benchmarks.md',
    'ingest',
    `### Ingest: orders/s through the gateway vs pgbench

\`npm run bench -- ingest\`, ${new Date().toISOString().slice(0, 10)}, ${machine()}; ${seconds} s per point, closed loop
(each client sends its next order when the previous one was answered), after a 5 s warm-up, each configuration on
a fresh stack. Everything runs on the same two cores: the load generator, PostgreSQL, Kafka, Connect/Debezium
relaying every outbox row, and either only the write path (the gateway and two orders instances) or every service
(the validators, aggregator and the rest of the saga then work on each order as it arrives). pgbench runs right
after each HTTP point, against the same PostgreSQL, with \`bench/sql/create-order.sql\` (the orders service's
create transaction, statement for statement) and \`bench/sql/two-rows.sql\` (just an order row and an outbox row).

${table(['services', 'clients', 'orders/s (HTTP)', 'p50 / p99 ms', 'errors', 'pgbench same tx (tps)', 'ratio', 'pgbench two rows (tps)', 'ratio'], rows)}`,
  );
}

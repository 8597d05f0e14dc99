// Ingest: orders/s through the gateway (HTTP → gateway → orders → one PostgreSQL transaction with the
// outbox row) at 8 and 32 concurrent clients, against pgbench running the same transaction on the
// same PostgreSQL in the same run. Figures go to docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { inboxTableSql, migrate, outboxTableSql } from '@microshop/platform';
import pg from 'pg';
import { repoRoot } from '../infra/src/paths.ts';
import { findPostgresBin } from '../infra/src/postgres-bin.ts';
import { databaseUrl, type StackSettings } from '../infra/src/settings.ts';
import { closedLoop, summarize } from './lib/load.ts';
import { postOrder } from './lib/orders.ts';
import { machine, table, writeSection } from './lib/report.ts';
import { gatewayUrl, withBenchStack } from './lib/stack.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const pgbenchSchema = 'bench_pgbench';

async function preparePgbenchSchema(s: StackSettings): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl(s), options: `-c search_path=${pgbenchSchema}` });
  await migrate(pool, {
    schema: pgbenchSchema,
    dir: join(repoRoot, 'services', 'orders', 'migrations'),
    prelude: [outboxTableSql(pgbenchSchema), inboxTableSql(pgbenchSchema)],
  });
  await pool.end();
}

function pgbench(s: StackSettings, script: string, clients: number): number {
  const bin = findPostgresBin();
  if (!bin) throw new Error('pgbench not found');
  const out = execFileSync(
    join(bin.dir, 'pgbench'),
    [
      '-n',
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      join(repoRoot, 'bench', 'sql', script),
      '-h',
      '127.0.0.1',
      '-p',
      String(s.pg.port),
      '-U',
      s.pg.user,
      s.pg.database,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, PGPASSWORD: s.pg.password, PGOPTIONS: `-c search_path=${pgbenchSchema}` },
    },
  );
  const tps = /tps = ([\d.]+)/.exec(out)?.[1];
  if (!tps) throw new Error(`pgbench printed no tps:\n${out}`);
  return Number(tps);
}

export async function ingest(): Promise<void> {
  const rows = await withBenchStack(async (s) => {
    await preparePgbenchSchema(s);
    await closedLoop(gatewayUrl(s), 8, 5, async (pool) => (await postOrder(pool)) !== null); // warm-up
    const result: (string | number)[][] = [];
    for (const clients of [8, 32]) {
      const http = await closedLoop(
        gatewayUrl(s),
        clients,
        seconds,
        async (pool) => (await postOrder(pool)) !== null,
      );
      const rate = http.requests / http.seconds;
      const lat = summarize(http.latencies);
      const same = pgbench(s, 'create-order.sql', clients);
      const two = pgbench(s, 'two-rows.sql', clients);
      console.log(
        `${clients} clients: ${rate.toFixed(0)} orders/s via gateway; pgbench ${same.toFixed(0)} (same tx), ${two.toFixed(0)} (two rows)`,
      );
      result.push([
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
  });
  writeSection(
    'benchmarks.md',
    'ingest',
    `### Ingest: orders/s through the gateway vs pgbench

\`npm run bench -- ingest\`, ${new Date().toISOString().slice(0, 10)}, ${machine()}; ${seconds} s per point, closed loop
(each client sends its next order when the previous one was answered), after a 5 s warm-up. Everything runs
on the same two cores: load generator, gateway, two orders instances, PostgreSQL, Kafka, Connect/Debezium
and order-background. pgbench runs right after each HTTP point, against the same PostgreSQL, with
\`bench/sql/create-order.sql\` (the orders service's create transaction, statement for statement) and
\`bench/sql/two-rows.sql\` (just an order row and an outbox row).

${table(['clients', 'orders/s (HTTP)', 'p50 / p99 ms', 'errors', 'pgbench same tx (tps)', 'ratio', 'pgbench two rows (tps)', 'ratio'], rows)}`,
  );
}

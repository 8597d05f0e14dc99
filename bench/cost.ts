// npm run bench -- cost: what one order costs the stack, process by process, at a rate it keeps up
// with — the tool for weighing one change before it is kept (run it on the code before and after, one
// right after the other). A fresh bench stack in npm start's layout (hosted, two hosts) takes orders at
// BENCH_COST_RATE (default 8)/s for 40 s unmeasured, rests 30 s, measures the stack at rest for 20 s,
// then BENCH_COST_WINDOWS (default 3) windows of BENCH_SECONDS (default 40) s at that rate: per shipped
// order, the CPU of every process (and its "marginal" share, what is above the stack's CPU at rest),
// PostgreSQL's commits and the spans the trace store took; POST → SHIPPED p50 and p99; and at the end
// the rows each table took per order (the inbox and outbox tables show which services' transactions).
// BENCH_COST_ENV (JSON) adds to every service's environment, e.g. '{"OTEL_SDK_DISABLED":"true"}';
// BENCH_COST_HOSTS sets the host processes. Writes no figures into docs/: CPU moves by 10 % and more
// from window to window (the JVMs most), commits and spans hardly, so a change is weighed on several
// windows and what is kept is written up by hand with its probe.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { superuserUrl } from '../infra/src/postgres.ts';
import type { StackSettings } from '../infra/src/settings.ts';
import { measureFlow, prepareShop } from './lib/flow.ts';
import { withBenchStack } from './lib/stack.ts';
import { snapshotUsage, type Usage, usageBetween } from './lib/usage.ts';

const rate = Number(process.env.BENCH_COST_RATE ?? 8);
const seconds = Number(process.env.BENCH_SECONDS ?? 40);
const windows = Number(process.env.BENCH_COST_WINDOWS ?? 3);
const hosts = Number(process.env.BENCH_COST_HOSTS ?? 2);

export async function cost(): Promise<void> {
  const serviceEnv = process.env.BENCH_COST_ENV ? JSON.parse(process.env.BENCH_COST_ENV) : {};
  await withBenchStack(
    async (settings) => {
      const shop = await prepareShop(settings, 200);
      await measureFlow(settings, shop, { rate, seconds: 40, eventType: 'OrderShipped', drainMs: 10_000 });
      await sleep(30_000);
      const restStart = await snapshotUsage(settings);
      await sleep(20_000);
      const atRest = usageBetween(restStart, await snapshotUsage(settings));
      console.log(
        `at rest: ${(atRest.cpuTotal / atRest.seconds).toFixed(3)} cores, ${(atRest.commits / atRest.seconds).toFixed(1)} commits/s; ` +
          atRest.cpu.map(([part, cpu]) => `${part} ${(cpu / atRest.seconds).toFixed(3)}`).join(', '),
      );
      const totals = { cpu: 0, marginal: 0, commits: 0, spans: 0, orders: 0 };
      const writes = new Map<string, number>();
      for (let window = 1; window <= windows; window++) {
        const before = await snapshotUsage(settings);
        const tablesBefore = await tableWrites(settings);
        const r = await measureFlow(settings, shop, {
          rate,
          seconds,
          eventType: 'OrderShipped',
          drainMs: 10_000,
        });
        const usage = usageBetween(before, await snapshotUsage(settings));
        const tablesAfter = await tableWrites(settings);
        const written = (table: string) => (tablesAfter.get(table) ?? 0) - (tablesBefore.get(table) ?? 0);
        const spans = written('operations.spans');
        for (const table of tablesAfter.keys()) writes.set(table, (writes.get(table) ?? 0) + written(table));
        const perOrder = (value: number) => (r.reached === 0 ? Number.NaN : value / r.reached);
        const marginal = marginalCpu(usage, atRest);
        console.log(
          `window ${window}, ${rate}/s: shipped ${(100 * r.completionRate).toFixed(1)} %, p50 ${r.latency.p50.toFixed(0)} ms, p99 ${r.latency.p99.toFixed(0)} ms; per order: ` +
            `${perOrder(usage.cpuTotal * 1000).toFixed(1)} ms CPU (${perOrder(marginal.total * 1000).toFixed(1)} above rest), ` +
            `${perOrder(usage.commits).toFixed(1)} commits, ${perOrder(spans).toFixed(1)} spans`,
        );
        console.log(
          `  above rest: ${marginal.parts.map(([part, cpu]) => `${part} ${perOrder(cpu * 1000).toFixed(1)}`).join(', ')}`,
        );
        totals.cpu += usage.cpuTotal;
        totals.marginal += marginal.total;
        totals.commits += usage.commits;
        totals.spans += spans;
        totals.orders += r.reached;
      }
      const all = (value: number) => (value / totals.orders).toFixed(1);
      console.log(
        `all windows, per order: ${all(totals.cpu * 1000)} ms CPU, ${all(totals.marginal * 1000)} ms above rest, ${all(totals.commits)} commits, ${all(totals.spans)} spans`,
      );
      const busiest = [...writes].filter(([, rows]) => rows > 0).sort((a, b) => b[1] - a[1]);
      console.log(
        `rows written per order (inserted, updated, deleted), by table: ${busiest.map(([table, rows]) => `${table} ${all(rows)}`).join(', ')}`,
      );
    },
    { layout: 'hosted', hosts, serviceEnv },
  );
}

/** CPU over the window above what each part spends at rest in as long. */
function marginalCpu(usage: Usage, atRest: Usage): { total: number; parts: [string, number][] } {
  const parts = usage.cpu.map(([part, cpu]): [string, number] => {
    const rest = atRest.cpu.find(([name]) => name === part)?.[1] ?? 0;
    return [part, cpu - (rest / atRest.seconds) * usage.seconds];
  });
  return { total: parts.reduce((sum, [, cpu]) => sum + cpu, 0), parts };
}

/**
 * Rows each table has taken so far (inserted, updated and deleted), by `schema.table`: the inbox and
 * outbox tables count the transactions of each service, `operations.spans` the spans stored.
 */
async function tableWrites(settings: StackSettings): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: superuserUrl(settings, settings.pg.database) });
  await client.connect();
  try {
    const result = await client.query<{ name: string; n: string }>(
      `SELECT schemaname || '.' || relname AS name, n_tup_ins + n_tup_upd + n_tup_del AS n
       FROM pg_stat_user_tables`,
    );
    return new Map(result.rows.map((row) => [row.name, Number(row.n)]));
  } finally {
    await client.end();
  }
}

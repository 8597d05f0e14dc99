// npm run bench -- transaction: what one small consumer transaction costs through the kit's
// `withTransaction` (an inbox row and one outbox row), with the outbox row written in place and a
// COMMIT of its own (as before decision 26) and written by `appendToOutbox` (last, with the COMMIT).
// Runs against the bench stack's PostgreSQL alone (no service), one connection over TCP, alternating
// rounds of BENCH_TX_COUNT (default 2000) transactions, BENCH_TX_ROUNDS (default 6) of each; prints
// per transaction the wall time, this process's CPU and the server backend's CPU (from /proc). A tool
// for weighing the kit's transaction path, not a benchmark: it writes no figures into docs/.
import { randomUUID } from 'node:crypto';
import { topics } from '@microshop/contracts';
import type pg from 'pg';
import { superuserUrl } from '../infra/src/postgres.ts';
import { createPool, withTransaction } from '../packages/platform/src/db/pool.ts';
import { appendToOutbox, type OutboxMessage, outboxTableSql } from '../packages/platform/src/outbox.ts';
import { withBenchStack } from './lib/stack.ts';
import { processCpuSeconds } from './lib/usage.ts';

const count = Number(process.env.BENCH_TX_COUNT ?? 2000);
const rounds = Number(process.env.BENCH_TX_ROUNDS ?? 6);
const schema = 'bench_tx';

type Variant = 'in place' | 'with the COMMIT';

export async function transaction(): Promise<void> {
  await withBenchStack(
    async (settings) => {
      const password = randomUUID();
      const setup = createPool({
        connectionString: superuserUrl(settings, settings.pg.database),
        applicationName: 'bench:tx-setup',
        max: 1,
      });
      await setup.query(`CREATE ROLE ${schema} LOGIN PASSWORD '${password}'`);
      await setup.query(`CREATE SCHEMA ${schema} AUTHORIZATION ${schema}`);
      await setup.end();
      // A role of its own over TCP, as every service reaches PostgreSQL.
      const pool = createPool({
        connectionString: `postgres://${schema}:${password}@127.0.0.1:${settings.pg.port}/${settings.pg.database}`,
        schema,
        applicationName: 'bench:tx',
        max: 1,
      });
      try {
        await pool.query(outboxTableSql(schema));
        await pool.query('CREATE TABLE inbox (id uuid PRIMARY KEY)');
        const backend = (await pool.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
        const results: Record<Variant, Round[]> = { 'in place': [], 'with the COMMIT': [] };
        for (const variant of Object.keys(results) as Variant[]) await round(pool, backend, variant, 300);
        for (let r = 0; r < rounds; r++) {
          for (const variant of Object.keys(results) as Variant[]) {
            results[variant].push(await round(pool, backend, variant, count));
          }
        }
        for (const [variant, list] of Object.entries(results)) {
          const show = (pick: (r: Round) => number) =>
            `${median(list.map(pick)).toFixed(0)} µs (${list.map((r) => pick(r).toFixed(0)).join(', ')})`;
          console.log(
            `outbox ${variant}: wall ${show((r) => r.wall)}; client CPU ${show((r) => r.client)}; server CPU ${show((r) => r.server)}`,
          );
        }
      } finally {
        await pool.end();
      }
    },
    { services: [] },
  );
}

interface Round {
  wall: number;
  client: number;
  server: number;
}

/** `n` transactions of one variant: per transaction, µs of wall time, of this process's and of the backend's CPU. */
async function round(pool: pg.Pool, backend: number, variant: Variant, n: number): Promise<Round> {
  const cpu0 = process.cpuUsage();
  const server0 = processCpuSeconds(backend);
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    await withTransaction(pool, async (client) => {
      await client.query('INSERT INTO inbox (id) VALUES ($1)', [randomUUID()]);
      const message = outboxRow();
      if (variant === 'with the COMMIT') await appendToOutbox(client, [message]);
      else await client.query(inPlace(message));
    });
  }
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const server = processCpuSeconds(backend) - server0;
  return { wall: (1000 * wall) / n, client: (cpu.user + cpu.system) / n, server: (1e6 * server) / n };
}

function outboxRow(): OutboxMessage {
  const id = randomUUID();
  const payload = { id, type: 'BenchEvent', occurredAt: new Date().toISOString(), source: 'bench' };
  return { id, topic: topics.orderOutbox, key: id, type: 'BenchEvent', payload, traceparent: '' };
}

/** The outbox insert as `appendToOutbox` wrote it before decision 26: in place, COMMIT after it. */
function inPlace(m: OutboxMessage): pg.QueryConfig {
  return {
    text: `INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, traceparent)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])`,
    values: [[m.id], [m.topic], [m.key], [m.type], [JSON.stringify(m.payload)], ['']],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

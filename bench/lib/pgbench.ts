// pgbench against the bench stack's PostgreSQL: the baseline of the ingest benchmark and the load
// generator of the outbox-pipeline benchmark. Scripts live in bench/sql.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { migrateServiceSchema } from '@microshop/platform';
import pg from 'pg';
import { repoRoot } from '../../infra/src/paths.ts';
import { findPostgresBin } from '../../infra/src/postgres-bin.ts';
import { stackSecrets } from '../../infra/src/secrets.ts';
import { databaseUrl, type StackSettings } from '../../infra/src/settings.ts';

/**
 * A schema with the orders service's tables and the platform's (outbox, inbox, idempotency keys), as
 * the service itself migrates it; `publish` adds the outbox to Debezium's publication.
 */
export async function prepareOrdersSchema(
  settings: StackSettings,
  schema: string,
  publish = false,
): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl(settings), options: `-c search_path=${schema}` });
  const dir = join(repoRoot, 'services', 'orders', 'migrations');
  await migrateServiceSchema(pool, { schema, dir, publishOutbox: publish });
  await pool.end();
}

export interface PgbenchRun {
  script: string;
  schema: string;
  clients: number;
  seconds: number;
  /** Transactions per second to schedule (`--rate`); as fast as possible when absent. */
  rate?: number;
  /** pgbench variables (`-D name=value`), used by the script as `:name`. */
  define?: Record<string, string>;
}

export interface PgbenchResult {
  tps: number;
  transactions: number;
}

/** Runs in a child process without blocking this one: a consumer here keeps reading meanwhile. */
export async function pgbench(settings: StackSettings, run: PgbenchRun): Promise<PgbenchResult> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('pgbench not found');
  const args = ['-n', '-c', String(run.clients), '-j', '2', '-T', String(run.seconds)];
  if (run.rate !== undefined) args.push('-R', String(run.rate));
  for (const [name, value] of Object.entries(run.define ?? {})) args.push('-D', `${name}=${value}`);
  args.push('-f', join(repoRoot, 'bench', 'sql', run.script));
  args.push('-h', '127.0.0.1', '-p', String(settings.pg.port), '-U', settings.pg.user, settings.pg.database);
  const { stdout: out } = await promisify(execFile)(join(bin.dir, 'pgbench'), args, {
    encoding: 'utf8',
    env: {
      ...process.env,
      PGPASSWORD: stackSecrets(settings).admin,
      PGOPTIONS: `-c search_path=${run.schema}`,
    },
  });
  const tps = /tps = ([\d.]+)/.exec(out)?.[1];
  const transactions = /number of transactions actually processed: (\d+)/.exec(out)?.[1];
  if (!tps || !transactions) throw new Error(`pgbench printed no tps:\n${out}`);
  return { tps: Number(tps), transactions: Number(transactions) };
}

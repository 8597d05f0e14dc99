import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import pg from 'pg';
import { defaultDatabaseUrl } from '../config.ts';
import { createPool } from '../db/pool.ts';

/**
 * Helpers for tests that use the real PostgreSQL. Each test file owns what it creates: a schema
 * with a unique name, dropped (with everything in it) when the file or test is done, so test
 * files run in parallel against one database without seeing each other's rows.
 */

/** `DATABASE_URL`, else the project stack's database. */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  return url === undefined || url === '' ? defaultDatabaseUrl : url;
}

/** Something that runs cleanup later: node:test's TestContext, or the file-level `after`. */
export interface CleanupRegistrar {
  after(fn: () => Promise<void>): void;
}

export interface TestSchema {
  name: string;
  /** A pool whose connections use this schema as their search_path. */
  pool: pg.Pool;
  url: string;
  /** Ends the pool and drops the schema; also registered to run automatically. */
  drop(): Promise<void>;
}

/**
 * Creates a schema named `<prefix>_<random>` and registers its removal with `t.after` when a
 * test context is given, else with node:test's `after`. Without `t`, call it at the top level of
 * the test file (top-level await) or inside a test: node:test attaches `after` to whatever is
 * running, and from inside a `before` hook that is not the file, so the schema would be dropped early.
 */
export async function createTestSchema(prefix: string, t?: CleanupRegistrar): Promise<TestSchema> {
  const name = uniqueSchemaName(prefix);
  const url = testDatabaseUrl();
  await runAdmin(url, `CREATE SCHEMA "${name}"`);
  const pool = createPool({ connectionString: url, schema: name, applicationName: `test:${name}`, max: 5 });
  let dropped: Promise<void> | undefined;
  const drop = () => {
    dropped ??= (async () => {
      await pool.end();
      await runAdmin(url, `DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    })();
    return dropped;
  };
  if (t === undefined) after(drop);
  else t.after(drop);
  return { name, pool, url, drop };
}

/**
 * `createTestSchema` with the service's tables: `migrate` is the service's `migrateSchema`. The
 * schema is dropped as `createTestSchema` says, even when the migration fails.
 */
export async function migratedTestSchema(
  prefix: string,
  migrate: (pool: pg.Pool, schema: string) => Promise<unknown>,
  t?: CleanupRegistrar,
): Promise<TestSchema> {
  const db = await createTestSchema(prefix, t);
  await migrate(db.pool, db.name);
  return db;
}

/** Lower-case, `[a-z0-9_]`, within PostgreSQL's 63-character identifier limit. */
export function uniqueSchemaName(prefix: string): string {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^[^a-z_]/, '_$&');
  return `${clean.slice(0, 40)}_${randomBytes(6).toString('hex')}`;
}

async function runAdmin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

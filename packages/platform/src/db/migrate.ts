import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import type { Logger } from '../logger.ts';
import { assertIdentifier, qualified } from './identifier.ts';

/**
 * Versioned SQL migrations for one service schema. Files are `NNN_name.sql` (e.g.
 * `001_orders.sql`), applied in version order, each in its own transaction together with its
 * `schema_migrations` row, so a failed file leaves no half-applied state and is retried whole.
 * A session advisory lock per schema makes instances that start together queue up: the first
 * applies, the others find everything applied.
 */

export interface MigrationFile {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
  /** The checksums an earlier wording of the file was applied with (see `formerChecksumLine`). */
  formerChecksums: string[];
}

/**
 * A file whose comments were reworded after it was applied keeps the checksum it was applied with in a
 * line `-- applied earlier as <sha256>`, and a database that recorded that checksum accepts it. Only for
 * words that change nothing the file does: any other change is a new migration.
 */
const formerChecksumLine = /^-- applied earlier as ([0-9a-f]{64})$/gm;

export interface MigrateOptions {
  schema: string;
  /** Directory holding the `NNN_name.sql` files. */
  dir: string;
  /**
   * SQL run before the files, under the same lock, on every start; it must be idempotent
   * (`CREATE TABLE IF NOT EXISTS`). This is how the platform's own tables (outbox, inbox) get
   * created from their single definition instead of being copied into every service's files.
   */
  prelude?: readonly string[];
  logger?: Logger;
}

export interface MigrateResult {
  applied: MigrationFile[];
  alreadyApplied: number;
}

const fileNamePattern = /^(\d{3,})_([A-Za-z0-9_-]+)\.sql$/;

export async function migrate(pool: pg.Pool, options: MigrateOptions): Promise<MigrateResult> {
  const schema = assertIdentifier(options.schema, 'schema name');
  const files = await readMigrationFiles(options.dir);
  const client = await pool.connect();
  try {
    // hashtextextended turns the schema name into the bigint key the lock function takes.
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`microshop.migrate:${schema}`]);
    try {
      return await migrateLocked(client, schema, files, options);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [
        `microshop.migrate:${schema}`,
      ]);
    }
  } finally {
    client.release();
  }
}

async function migrateLocked(
  client: pg.PoolClient,
  schema: string,
  files: readonly MigrationFile[],
  options: MigrateOptions,
): Promise<MigrateResult> {
  await ensureSchema(client, schema);
  await client.query(migrationsTableSql(schema));
  for (const sql of options.prelude ?? []) await client.query(sql);

  const applied = await appliedChecksums(client, schema);
  verifyChecksums(files, applied, options.logger);
  const pending = files.filter((file) => !applied.has(file.version));
  for (const file of pending) {
    await applyOne(client, schema, file);
    options.logger?.info({ schema, version: file.version, migration: file.name }, 'migration applied');
  }
  return { applied: pending, alreadyApplied: files.length - pending.length };
}

/**
 * Creates the schema only when it is missing: a service's role owns its schema (the stack made it)
 * but may not create schemas, and PostgreSQL checks that right even for CREATE SCHEMA IF NOT EXISTS.
 */
async function ensureSchema(client: pg.PoolClient, schema: string): Promise<void> {
  const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (found.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
}

function migrationsTableSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(schema, 'schema_migrations')} (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    checksum text NOT NULL
  )`;
}

async function appliedChecksums(client: pg.PoolClient, schema: string): Promise<Map<number, string>> {
  const result = await client.query<{ version: number; checksum: string }>(
    `SELECT version, checksum FROM ${qualified(schema, 'schema_migrations')}`,
  );
  return new Map(result.rows.map((row) => [row.version, row.checksum]));
}

/**
 * An applied file that changed means the database no longer matches the code's history: refuse
 * to start rather than guess. A version applied but absent from `dir` is only logged: an older
 * release running beside a newer one during a rolling deploy must still start.
 */
function verifyChecksums(
  files: readonly MigrationFile[],
  applied: Map<number, string>,
  logger?: Logger,
): void {
  const known = new Set(files.map((file) => file.version));
  for (const file of files) {
    const checksum = applied.get(file.version);
    if (checksum !== undefined && checksum !== file.checksum && !file.formerChecksums.includes(checksum)) {
      throw new MigrationError(
        `Migration ${file.file} was changed after it was applied (checksum ${checksum} in the database, ` +
          `${file.checksum} on disk). Add a new migration instead of editing an applied one.`,
      );
    }
  }
  for (const version of applied.keys()) {
    if (!known.has(version)) logger?.warn({ version }, 'database has a migration this code does not know');
  }
}

async function applyOne(client: pg.PoolClient, schema: string, file: MigrationFile): Promise<void> {
  try {
    await client.query('BEGIN');
    // Unqualified names in the file land in the service's schema, whatever the pool's path is.
    await client.query(`SET LOCAL search_path TO "${schema}"`);
    await client.query(file.sql);
    await client.query(
      `INSERT INTO ${qualified(schema, 'schema_migrations')} (version, name, checksum) VALUES ($1, $2, $3)`,
      [file.version, file.name, file.checksum],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(`Migration ${file.file} failed: ${errorMessage(error)}`, error);
  }
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** Reads and orders the migration files; a stray `.sql` name or a duplicate version is refused. */
export async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.sql'));
  const files: MigrationFile[] = [];
  for (const file of names) {
    const match = fileNamePattern.exec(file);
    if (match === null) throw new MigrationError(`Migration file ${file} is not named NNN_name.sql`);
    const sql = await readFile(join(dir, file), 'utf8');
    const formerChecksums = [...sql.matchAll(formerChecksumLine)].map((line) => line[1] ?? '');
    files.push({
      version: Number(match[1]),
      name: match[2] ?? '',
      file,
      sql,
      checksum: sha256(sql),
      formerChecksums,
    });
  }
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i++) {
    if (files[i]?.version === files[i - 1]?.version) {
      throw new MigrationError(`Two migration files share version ${files[i]?.version}`);
    }
  }
  return files;
}

/** Line endings are normalised first: a checkout with CRLF must not look like an edited file. */
function sha256(text: string): string {
  return createHash('sha256').update(text.replaceAll('\r\n', '\n')).digest('hex');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

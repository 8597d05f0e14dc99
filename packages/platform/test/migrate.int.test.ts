import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { MigrationError, migrate } from '../src/db/migrate.ts';
import { inboxTableSql } from '../src/inbox.ts';
import { outboxTableSql } from '../src/outbox.ts';
import { createTestSchema, testDatabaseUrl, uniqueSchemaName } from '../src/testing/index.ts';

async function givenMigrationDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'microshop-migrations-'));
  after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  return dir;
}

const files = {
  '001_create_counter.sql': 'CREATE TABLE counter (id int PRIMARY KEY, hits int NOT NULL);',
  '002_first_count.sql': 'INSERT INTO counter VALUES (1, 0);',
  '010_count_once.sql': 'UPDATE counter SET hits = hits + 1 WHERE id = 1;',
};

async function recorded(pool: pg.Pool, schema: string) {
  const result = await pool.query(
    `SELECT version, name, checksum FROM "${schema}".schema_migrations ORDER BY version`,
  );
  return result.rows as { version: number; name: string; checksum: string }[];
}

describe('migrate', () => {
  test('creates the missing schema, applies the files in version order and records each one', async () => {
    const schema = uniqueSchemaName('migrate_new');
    const pool = new pg.Pool({ connectionString: testDatabaseUrl() });
    after(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    });
    const dir = await givenMigrationDir(files);

    const result = await migrate(pool, { schema, dir });

    assert.deepEqual(
      result.applied.map((file) => file.version),
      [1, 2, 10],
    );
    const rows = await recorded(pool, schema);
    assert.deepEqual(
      rows.map((row) => [row.version, row.name]),
      [
        [1, 'create_counter'],
        [2, 'first_count'],
        [10, 'count_once'],
      ],
    );
    assert.ok(rows.every((row) => /^[0-9a-f]{64}$/.test(row.checksum)));
    const counter = await pool.query(`SELECT hits FROM "${schema}".counter`);
    assert.equal(counter.rows[0]?.hits, 1);
  });

  test('a second run applies nothing', async () => {
    const { name: schema, pool } = await createTestSchema('migrate_again');
    const dir = await givenMigrationDir(files);
    await migrate(pool, { schema, dir });
    const again = await migrate(pool, { schema, dir });
    assert.deepEqual(again, { applied: [], alreadyApplied: 3 });
    assert.equal((await pool.query('SELECT hits FROM counter')).rows[0]?.hits, 1);
  });

  test('instances migrating at the same moment apply each migration exactly once', async () => {
    const { name: schema, pool } = await createTestSchema('migrate_race');
    const otherInstance = new pg.Pool({ connectionString: testDatabaseUrl() });
    after(() => otherInstance.end());
    // A slow first migration keeps the race window open while the other instance arrives.
    const dir = await givenMigrationDir({ ...files, '000_slow.sql': 'SELECT pg_sleep(0.3);' });

    const [first, second] = await Promise.all([
      migrate(pool, { schema, dir }),
      migrate(otherInstance, { schema, dir }),
    ]);

    assert.equal(first.applied.length + second.applied.length, 4);
    assert.ok(first.applied.length === 0 || second.applied.length === 0, 'one instance did all the work');
    assert.equal((await pool.query('SELECT hits FROM counter')).rows[0]?.hits, 1);
    assert.equal((await recorded(pool, schema)).length, 4);
  });

  test('an applied migration whose file changed stops the start and applies nothing more', async () => {
    const { name: schema, pool } = await createTestSchema('migrate_checksum');
    const dir = await givenMigrationDir(files);
    await migrate(pool, { schema, dir });
    await writeFile(join(dir, '002_first_count.sql'), 'INSERT INTO counter VALUES (1, 100);');
    await writeFile(join(dir, '011_more.sql'), 'UPDATE counter SET hits = hits + 1;');

    await assert.rejects(migrate(pool, { schema, dir }), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /002_first_count\.sql was changed after it was applied/);
      return true;
    });
    assert.equal((await recorded(pool, schema)).length, 3);
    assert.equal((await pool.query('SELECT hits FROM counter')).rows[0]?.hits, 1);
  });

  test('an applied migration reworded in its comments starts when it names the checksum it was applied with', async () => {
    const { name: schema, pool } = await createTestSchema('migrate_reworded');
    const dir = await givenMigrationDir(files);
    await migrate(pool, { schema, dir });
    const [applied] = (await recorded(pool, schema)).filter((row) => row.version === 2);
    const reworded = `-- The counter starts at zero.\n-- applied earlier as ${applied?.checksum}\n${files['002_first_count.sql']}`;
    await writeFile(join(dir, '002_first_count.sql'), reworded);

    assert.deepEqual(await migrate(pool, { schema, dir }), { applied: [], alreadyApplied: 3 });
    const otherChecksum = reworded.replace(applied?.checksum ?? '', '0'.repeat(64));
    await writeFile(join(dir, '002_first_count.sql'), otherChecksum);
    await assert.rejects(
      migrate(pool, { schema, dir }),
      /002_first_count\.sql was changed after it was applied/,
    );
  });

  test('a failing migration leaves no trace and the ones before it stay applied', async () => {
    const { name: schema, pool } = await createTestSchema('migrate_failure');
    const dir = await givenMigrationDir({
      '001_ok.sql': 'CREATE TABLE a (id int);',
      '002_broken.sql': 'CREATE TABLE b (id int); INSERT INTO missing_table VALUES (1);',
    });
    await assert.rejects(migrate(pool, { schema, dir }), /002_broken\.sql failed: .*missing_table/);
    assert.deepEqual(
      (await recorded(pool, schema)).map((row) => row.version),
      [1],
    );
    const tables = await pool.query(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    assert.deepEqual(tables.rows.map((row) => row.table_name).sort(), ['a', 'schema_migrations']);
  });

  test('a .sql file not named NNN_name.sql is refused before anything runs', async () => {
    const { name: schema, pool } = await createTestSchema('migrate_badname');
    const dir = await givenMigrationDir({ 'create.sql': 'CREATE TABLE x (id int);' });
    await assert.rejects(migrate(pool, { schema, dir }), /create\.sql is not named NNN_name\.sql/);
  });

  test('the prelude creates the outbox and inbox tables in the shape Debezium and handleOnce expect', async () => {
    const { name: schema, pool } = await createTestSchema('migrate_prelude');
    const dir = await givenMigrationDir({});
    const prelude = [outboxTableSql(schema), inboxTableSql(schema)];
    await migrate(pool, { schema, dir, prelude });
    await migrate(pool, { schema, dir, prelude });

    const columns = await pool.query(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_schema = $1 AND table_name IN ('outbox', 'inbox') ORDER BY table_name, ordinal_position`,
      [schema],
    );
    assert.deepEqual(
      columns.rows.map(
        (c) =>
          `${c.table_name}.${c.column_name} ${c.data_type} ${c.is_nullable === 'NO' ? 'not null' : 'null'}`,
      ),
      [
        'inbox.consumer text not null',
        'inbox.event_id text not null',
        'inbox.topic text not null',
        'inbox.partition integer not null',
        'inbox.offset bigint not null',
        'inbox.handled_at timestamp with time zone not null',
        'outbox.id uuid not null',
        'outbox.aggregatetype text not null',
        'outbox.aggregateid text not null',
        'outbox.type text not null',
        'outbox.payload jsonb not null',
        'outbox.created_at timestamp with time zone not null',
        'outbox.traceparent text not null',
      ],
    );
  });
});

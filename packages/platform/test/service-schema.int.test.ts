import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type pg from 'pg';
import { outboxPublication } from '../src/outbox.ts';
import { migrateServiceSchema } from '../src/service-schema.ts';
import { createTestSchema } from '../src/testing/schema.ts';

// The schema every service gets: the platform's tables, then its own files; against the real PostgreSQL.

const dir = await mkdtemp(join(tmpdir(), 'microshop-service-schema-'));
after(() => rm(dir, { recursive: true, force: true }));
await writeFile(join(dir, '001_widgets.sql'), 'CREATE TABLE widget (id int PRIMARY KEY);');

async function tablesOf(pool: pg.Pool, schema: string): Promise<string[]> {
  const result = await pool.query(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  );
  return result.rows.map((row: { table_name: string }) => row.table_name);
}

async function isPublished(pool: pg.Pool, schema: string): Promise<boolean> {
  const result = await pool.query(
    'SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2 AND tablename = $3',
    [outboxPublication, schema, 'outbox'],
  );
  return result.rowCount === 1;
}

describe('migrateServiceSchema', () => {
  test('creates the platform’s outbox, inbox and idempotency tables, then the service’s files; the outbox stays unpublished', async (t) => {
    const db = await createTestSchema('platform_service_schema', t);
    const result = await migrateServiceSchema(db.pool, { schema: db.name, dir });

    assert.deepEqual(
      result.applied.map((file) => file.name),
      ['widgets'],
    );
    assert.deepEqual(await tablesOf(db.pool, db.name), [
      'idempotency',
      'inbox',
      'outbox',
      'schema_migrations',
      'widget',
    ]);
    assert.equal(await isPublished(db.pool, db.name), false, 'a test schema must not stream to real topics');
  });

  test('with publishOutbox the outbox joins Debezium’s publication before the files run', async (t) => {
    const db = await createTestSchema('platform_service_schema_pub', t);
    await migrateServiceSchema(db.pool, { schema: db.name, dir, publishOutbox: true });
    assert.equal(await isPublished(db.pool, db.name), true);
  });
});

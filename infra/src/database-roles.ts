// The database's roles, made idempotently by the stack runner (as the superuser) on every start:
//   - the administrator (`microshop`): owns the database and the outbox publication, a member of
//     every service role (people and tests inspect any schema through it); no service logs in as it;
//   - one role per service schema (`microshop_orders`, …): owns its schema and everything in it, and
//     nothing else, so one service cannot read another's tables;
//   - the CDC role Debezium logs in with: REPLICATION, USAGE on the service schemas and SELECT on
//     their outbox tables only.
// A stack made before the roles existed (every schema owned by the administrator, the CDC role
// allowed to read every table) is brought to this shape by the same steps.
import { outboxPublication, outboxTableSql } from '@microshop/platform';
import pg from 'pg';
import { stackSecrets } from './secrets.ts';
import { loginUrl, type StackSettings } from './settings.ts';

export function serviceRoleName(settings: StackSettings, schema: string): string {
  return `${settings.pg.user}_${schema}`;
}

/** The URL a service logs in with: its own role, its own password. */
export function serviceDatabaseUrl(settings: StackSettings, schema: string): string {
  const password = stackSecrets(settings, [schema]).services[schema];
  if (password === undefined) throw new Error(`no password for the role of schema ${schema}`);
  return loginUrl(settings, { user: serviceRoleName(settings, schema), password });
}

const id = pg.escapeIdentifier;

/** Cluster-wide (run in any database): the roles and the database. */
export async function ensureRoles(
  client: pg.ClientBase,
  settings: StackSettings,
  schemas: readonly string[],
): Promise<void> {
  const secrets = stackSecrets(settings, schemas);
  const { user, cdcUser, database } = settings.pg;
  // The test stack's administrator may also read the WAL: integration tests check what a
  // transaction wrote to the outbox through a logical decoding slot of their own.
  const adminAttributes = settings.profile === 'test' ? 'REPLICATION' : 'NOREPLICATION';
  await ensureRole(client, user, secrets.admin, `LOGIN ${adminAttributes}`);
  await ensureRole(client, cdcUser, secrets.cdc, 'LOGIN REPLICATION');
  for (const schema of schemas) {
    const password = secrets.services[schema] ?? '';
    await ensureRole(client, serviceRoleName(settings, schema), password, 'LOGIN NOREPLICATION');
  }
  const existing = await client.query('select 1 from pg_database where datname = $1', [database]);
  if (existing.rowCount === 0) await client.query(`create database ${id(database)} owner ${id(user)}`);
}

async function ensureRole(
  client: pg.ClientBase,
  name: string,
  password: string,
  attributes: string,
): Promise<void> {
  const exists = await client.query('select 1 from pg_roles where rolname = $1', [name]);
  const verb = exists.rowCount === 0 ? 'create' : 'alter';
  await client.query(
    `${verb} role ${id(name)} ${attributes} NOSUPERUSER NOCREATEDB NOCREATEROLE password ${pg.escapeLiteral(password)}`,
  );
}

/** In the stack's database: the publication, then each schema handed to its service's role. */
export async function ensureSchemas(
  client: pg.ClientBase,
  settings: StackSettings,
  schemas: readonly string[],
): Promise<void> {
  const admin = id(settings.pg.user);
  const cdc = id(settings.pg.cdcUser);
  // Earlier stacks let the CDC role read every table the administrator created: no longer.
  await client.query(`alter default privileges for role ${admin} revoke select on tables from ${cdc}`);
  await client.query(`alter default privileges for role ${admin} revoke usage on schemas from ${cdc}`);
  const publication = await client.query('select 1 from pg_publication where pubname = $1', [
    outboxPublication,
  ]);
  if (publication.rowCount === 0) {
    // Only INSERTs: outbox rows are deleted in the same transaction, and those DELETEs must not be streamed.
    await client.query(`create publication ${id(outboxPublication)} with (publish = 'insert')`);
  }
  await client.query(`alter publication ${id(outboxPublication)} owner to ${admin}`);
  for (const schema of schemas) await ensureServiceSchema(client, settings, schema);
}

/**
 * The schema, its outbox (so the outbox is in the publication before the service's first migration
 * writes to it) and every object in it owned by the service's role; the CDC role may read the outbox.
 */
async function ensureServiceSchema(client: pg.ClientBase, settings: StackSettings, schema: string) {
  const roleName = serviceRoleName(settings, schema);
  const role = id(roleName);
  const cdc = id(settings.pg.cdcUser);
  await client.query(`create schema if not exists ${id(schema)} authorization ${role}`);
  await client.query(`alter schema ${id(schema)} owner to ${role}`);
  await client.query(outboxTableSql(schema));
  await handOver(client, schema, roleName);
  await client.query(`grant ${role} to ${id(settings.pg.user)}`);
  await addToPublication(client, schema);
  await client.query(`revoke all on all tables in schema ${id(schema)} from ${cdc}`);
  await client.query(`grant usage on schema ${id(schema)} to ${cdc}`);
  await client.query(`grant select on ${id(schema)}.outbox to ${cdc}`);
}

/** Tables, views and free-standing sequences of the schema not yet owned by `role` become its. */
async function handOver(client: pg.ClientBase, schema: string, role: string): Promise<void> {
  // A sequence owned by a column follows its table; only free-standing ones are moved on their own.
  const others = await client.query<{ name: string }>(
    `select c.relname as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
        and pg_get_userbyid(c.relowner) <> $2
        and not exists (select 1 from pg_depend d
                         where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i'))
      order by c.relname`,
    [schema, role],
  );
  for (const { name } of others.rows) {
    await client.query(`alter table ${id(schema)}.${id(name)} owner to ${id(role)}`);
  }
}

async function addToPublication(client: pg.ClientBase, schema: string): Promise<void> {
  const listed = await client.query(
    `select 1 from pg_publication_tables where pubname = $1 and schemaname = $2 and tablename = 'outbox'`,
    [outboxPublication, schema],
  );
  if (listed.rowCount === 0) {
    await client.query(`alter publication ${id(outboxPublication)} add table ${id(schema)}.outbox`);
  }
}

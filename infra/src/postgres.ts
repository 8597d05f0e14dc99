// The project-local PostgreSQL cluster: initdb on first start (as the `postgres` OS user when we
// are root, because initdb refuses root), started in the foreground under our supervision with
// logical decoding on, then the roles, the database and the outbox publication are ensured.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outboxPublication } from '@microshop/platform';
import pg from 'pg';
import type { StackDirs } from './paths.ts';
import { findPostgresBin } from './postgres-bin.ts';
import { type RunningPart, startPart, waitUntil } from './proc.ts';
import type { StackSettings } from './settings.ts';

const superuser = 'postgres';

interface OsUser {
  uid: number;
  gid: number;
}

/** When running as root, PostgreSQL must run as an unprivileged user: the Debian `postgres` account. */
function postgresOsUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function pgDataDir(dirs: StackDirs): string {
  return join(dirs.data, 'postgres');
}

function superuserPassword(): string {
  return process.env.PG_SUPERUSER_PASSWORD ?? 'postgres';
}

function initCluster(binDir: string, dataDir: string, user: OsUser | undefined): void {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  mkdirSync(join(dataDir, '..'), { recursive: true });
  if (!existsSync(dataDir)) mkdirSync(dataDir, { mode: 0o700 });
  const passwordFile = join(dataDir, '..', 'postgres.pw');
  writeFileSync(passwordFile, `${superuserPassword()}\n`, { mode: 0o600 });
  if (user) {
    chownSync(dataDir, user.uid, user.gid);
    chownSync(passwordFile, user.uid, user.gid);
    const probe = spawnSync('test', ['-w', dataDir], { uid: user.uid, gid: user.gid });
    if (probe.status !== 0) {
      throw new Error(
        `PostgreSQL runs as the 'postgres' OS user, which cannot write ${dataDir}. ` +
          'Clone the repository under a directory every user can traverse (e.g. not under /root), or set MICROSHOP_HOME.',
      );
    }
  }
  const args = ['-D', dataDir, '-U', superuser, `--pwfile=${passwordFile}`, '--auth-host=scram-sha-256'];
  args.push('--auth-local=peer', '-E', 'UTF8', '--locale=C.UTF-8');
  const initdb = spawnSync(join(binDir, 'initdb'), args, {
    encoding: 'utf8',
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  if (initdb.status !== 0) throw new Error(`initdb failed:\n${initdb.stdout}\n${initdb.stderr}`);
}

/** Server settings: logical decoding for Debezium, a cap on WAL a forgotten slot may hold, TCP only. */
function serverArgs(settings: StackSettings, dataDir: string): string[] {
  const parameters: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    port: settings.pg.port,
    unix_socket_directories: '',
    wal_level: 'logical',
    max_wal_senders: 10,
    max_replication_slots: 10,
    max_slot_wal_keep_size: '2GB',
    max_connections: 300,
    shared_buffers: '256MB',
    logging_collector: 'off',
    log_min_messages: 'warning',
    log_line_prefix: '%m [%p] %q%u@%d ',
  };
  const options = Object.entries(parameters).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  return ['-D', dataDir, ...options];
}

export function superuserUrl(settings: StackSettings, database = 'postgres'): string {
  return `postgres://${superuser}:${encodeURIComponent(superuserPassword())}@127.0.0.1:${settings.pg.port}/${database}`;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function startPostgres(settings: StackSettings, dirs: StackDirs): Promise<RunningPart> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL 15+ server binaries not found: install postgresql-15 or set PG_BIN');
  const user = postgresOsUser();
  const dataDir = pgDataDir(dirs);
  initCluster(bin.dir, dataDir, user);
  const part = startPart(
    {
      name: 'postgres',
      command: join(bin.dir, 'postgres'),
      args: serverArgs(settings, dataDir),
      stopSignal: 'SIGINT',
      ...(user ?? {}),
    },
    dirs,
  );
  await waitUntil(
    part,
    `PostgreSQL accepting connections on 127.0.0.1:${settings.pg.port}`,
    () => canConnect(superuserUrl(settings)),
    60_000,
  );
  await bootstrapDatabase(settings);
  return part;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Idempotent: the application role owns the database, its schemas and the outbox publication
 * (so a service's migration can add its own outbox table to it); the CDC role may replicate and
 * read what the application creates.
 */
async function bootstrapDatabase(settings: StackSettings): Promise<void> {
  const { user, password, cdcUser, cdcPassword, database } = settings.pg;
  await withClient(superuserUrl(settings), async (client) => {
    // The test stack's application role may also read the WAL: integration tests check what a
    // transaction wrote to the outbox through a logical decoding slot of their own.
    const appAttributes = settings.profile === 'test' ? 'LOGIN REPLICATION' : 'LOGIN NOREPLICATION';
    await ensureRole(client, user, password, appAttributes);
    await ensureRole(client, cdcUser, cdcPassword, 'LOGIN REPLICATION');
    const existing = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (existing.rowCount === 0)
      await client.query(
        `create database ${pg.escapeIdentifier(database)} owner ${pg.escapeIdentifier(user)}`,
      );
  });
  await withClient(superuserUrl(settings, database), async (client) => {
    const app = pg.escapeIdentifier(user);
    const cdc = pg.escapeIdentifier(cdcUser);
    await client.query(`alter default privileges for role ${app} grant usage on schemas to ${cdc}`);
    await client.query(`alter default privileges for role ${app} grant select on tables to ${cdc}`);
    const publication = await client.query('select 1 from pg_publication where pubname = $1', [
      outboxPublication,
    ]);
    if (publication.rowCount === 0) {
      // Only INSERTs: the DELETEs of the outbox retention task must not be streamed.
      await client.query(`create publication ${outboxPublication} with (publish = 'insert')`);
      await client.query(`alter publication ${outboxPublication} owner to ${app}`);
    }
  });
}

async function ensureRole(
  client: pg.Client,
  name: string,
  password: string,
  attributes: string,
): Promise<void> {
  const exists = await client.query('select 1 from pg_roles where rolname = $1', [name]);
  const verb = exists.rowCount === 0 ? 'create' : 'alter';
  await client.query(
    `${verb} role ${pg.escapeIdentifier(name)} ${attributes} password ${pg.escapeLiteral(password)}`,
  );
}
